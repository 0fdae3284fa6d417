# The scaled mode's image: `mcc api` or `mcc worker` (see docker-compose.yml).
FROM node:20-bookworm-slim AS frontend
WORKDIR /src/frontend
COPY frontend/package.json frontend/package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY frontend/ ./
RUN npm run build

FROM python:3.11-slim-bookworm
# git for the repositories; bubblewrap for the agents' sandbox (util-linux's setpriv
# and prlimit come with the base system).
RUN apt-get update && apt-get install -y --no-install-recommends git bubblewrap \
    && rm -rf /var/lib/apt/lists/*
# An unprivileged user: bubblewrap then confines agent commands with a user
# namespace, and nothing in the container runs as root. The data dir is its alone.
RUN useradd --create-home --uid 10001 mcc && install -d -m 0700 -o mcc -g mcc /data
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
USER mcc
CMD ["mcc", "api"]
