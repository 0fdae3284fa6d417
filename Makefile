# Two commands do everything on a fresh machine: `make up` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
FRONTEND := frontend

.PHONY: up bootstrap test install install-dev bytecode frontend frontend-test lint typecheck pytest clean

up: bootstrap install bytecode frontend
	$(BIN)/mcc up

test: install-dev frontend lint frontend-test pytest

# What the host needs (Python 3.11+ with venv, git, make, Node 20+, bubblewrap),
# installed with apt-get where allowed, else the one command to run is printed.
bootstrap:
	@PYTHON=$(PYTHON) bash scripts/bootstrap

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "MCC needs Python 3.11 or newer")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	@touch $@

$(VENV)/.installed-dev: pyproject.toml $(VENV)/.installed
	$(BIN)/pip install --quiet -e '.[dev]'
	@touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

# The app's modules compiled ahead (pip does this for installed packages, not for
# an editable checkout): Temporal's sandbox re-imports the workflow modules for
# every workflow it starts, and where PYTHONDONTWRITEBYTECODE is set (many
# containers) each start compiled them again, ~4 ms on the event loop.
bytecode: install
	$(BIN)/python -m compileall -q mcc api workflows activities

$(FRONTEND)/node_modules/.installed: $(FRONTEND)/package.json $(FRONTEND)/package-lock.json
	cd $(FRONTEND) && npm ci --no-audit --no-fund
	@touch $@

# A digest of the files a step reads. A step runs again only when its digest changes,
# so `make up` with nothing changed restarts in seconds (mtimes change on every checkout,
# contents do not).
digest = find $(1) -type f -not -path '*/__pycache__/*' -not -name '*.pyc' \( $(2) \) -print0 \
	| LC_ALL=C sort -z | xargs -0 sha256sum | sha256sum | cut -d' ' -f1
SCHEMA_INPUTS := api mcc pyproject.toml
# api-schema.d.ts is left out: gen:api derives it from openapi.json, which is in.
SPA_INPUTS := $(addprefix $(FRONTEND)/,src public index.html openapi.json package-lock.json \
	vite.config.ts tsconfig.json tsconfig.node.json tailwind.config.ts postcss.config.js)
SPA_STAMP := $(FRONTEND)/dist/.inputs-sha256

# The front end's API types are generated from the live OpenAPI schema, so a
# change to the API that the SPA does not follow breaks this build.
frontend: install $(FRONTEND)/node_modules/.installed
	@digest=$$($(call digest,$(SCHEMA_INPUTS),-name '*.py' -o -name pyproject.toml)); \
	if [ "$$digest" != "$$(cat $(FRONTEND)/.openapi-inputs-sha256 2>/dev/null)" ]; then \
		$(BIN)/mcc openapi $(FRONTEND)/openapi.json && echo "$$digest" > $(FRONTEND)/.openapi-inputs-sha256; \
	fi
	@digest=$$($(call digest,$(SPA_INPUTS),-not -name api-schema.d.ts)); \
	if [ "$$digest" = "$$(cat $(SPA_STAMP) 2>/dev/null)" ]; then \
		echo "front end up to date (frontend/dist matches its inputs)"; \
	else \
		(cd $(FRONTEND) && npm run --silent gen:api && npm run --silent build) && echo "$$digest" > $(SPA_STAMP); \
	fi

# The front end's unit tests (Vitest + Testing Library + MSW, in Node: no browser).
frontend-test: $(FRONTEND)/node_modules/.installed
	cd $(FRONTEND) && npm test --silent

lint: install-dev $(FRONTEND)/node_modules/.installed
	cd $(FRONTEND) && npm run --silent lint && npm run --silent format:check
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy mcc api workflows activities

# Three test processes on two cores: much of the suite waits (Temporal's timers,
# processes killed and restarted, browsers), which fewer processes leave the cores idle
# for (figures in bench/README.md). Each process has its own Redis database
# (tests/support/services.py).
PYTEST_WORKERS ?= 3
pytest: install-dev bytecode
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS)

clean:
	rm -rf $(VENV) $(FRONTEND)/node_modules $(FRONTEND)/dist
