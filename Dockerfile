# The scaled mode's image: `mcc api` or `mcc worker` (see docker-compose.yml).
FROM node:20-bookworm-slim AS frontend
WORKDIR /src/frontend
COPY frontend/package.json frontend/package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY frontend/ ./
RUN npm run build

FROM python:3.11-slim-bookworm
RUN apt-get update && apt-get install -y --no-install-recommends git bubblewrap \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY pyproject.toml README.md ./
COPY mcc mcc
COPY api api
COPY workflows workflows
COPY activities activities
RUN pip install --no-cache-dir .
COPY --from=frontend /src/frontend/dist /app/frontend/dist
ENV MCC_FRONTEND_DIST=/app/frontend/dist MCC_DATA_DIR=/data MCC_HOST=0.0.0.0
VOLUME /data
CMD ["mcc", "api"]
