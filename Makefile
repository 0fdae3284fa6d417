# Two commands do everything on a fresh machine: `make up` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
FRONTEND := frontend

.PHONY: up bootstrap test install install-dev bytecode frontend lint typecheck pytest clean

up: bootstrap install bytecode frontend
	$(BIN)/mcc up

test: install-dev frontend lint pytest

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

# The front end's API types are generated from the live OpenAPI schema, so a
# change to the API that the SPA does not follow breaks this build.
frontend: install $(FRONTEND)/node_modules/.installed
	$(BIN)/mcc openapi $(FRONTEND)/openapi.json
	cd $(FRONTEND) && npm run --silent gen:api && npm run --silent build

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy mcc api workflows activities

pytest: install-dev bytecode
	$(BIN)/python -m pytest

clean:
	rm -rf $(VENV) $(FRONTEND)/node_modules $(FRONTEND)/dist
