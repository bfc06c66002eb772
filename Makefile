# hubbub: `make demo` runs the product, `make test` checks it. Both set themselves up on a fresh machine.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
POSTGRES_URL ?= postgresql://postgres@127.0.0.1:5432/test
PYTEST_WORKERS ?= 2

# The labelled data the analysis models are trained and evaluated on (see its README).
DATA ?= ../shared/data

.PHONY: demo serve install test lint test-sqlite test-postgres coverage services bench clean help

help:  ## List the targets.
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)  ## Create the virtual environment and install hubbub with its tools.

demo: $(STAMP)  ## Run hubbub with demo data and a live simulated stream on http://127.0.0.1:8000.
	$(BIN)/hubbub demo

serve: $(STAMP)  ## Run the web server on the configured database.
	$(BIN)/hubbub serve

services:  ## Install Chromium and start PostgreSQL and Redis when they are missing.
	bash scripts/ensure-test-services

lint: $(STAMP)  ## ruff, mypy (strict) and the import-layer contract.
	$(BIN)/ruff check hubbub tests benchmarks conftest.py
	$(BIN)/ruff format --check hubbub tests benchmarks conftest.py
	$(BIN)/mypy hubbub
	$(BIN)/lint-imports

test-sqlite: $(STAMP) services  ## The suite on the embedded SQLite database.
	$(BIN)/pytest -n $(PYTEST_WORKERS) --cov --cov-report=

test-postgres: $(STAMP) services  ## The suite again on PostgreSQL.
	DATABASE_URL=$(POSTGRES_URL) $(BIN)/pytest -n $(PYTEST_WORKERS) --cov --cov-append --cov-report=

coverage: $(STAMP)  ## Branch coverage of the last runs on both databases; the floor only rises.
	$(BIN)/coverage combine --quiet 2>/dev/null || true
	$(BIN)/coverage report --skip-covered --fail-under=93

test: lint test-sqlite test-postgres coverage  ## Everything CI runs: lint, the suite on SQLite and PostgreSQL, coverage.

bench: $(STAMP)  ## Benchmarks; record results in docs/benchmarks.md.
	$(BIN)/python benchmarks/pipeline_throughput.py --posts 100000
	$(BIN)/python benchmarks/identity_resolution.py --customers 100000
	$(BIN)/python benchmarks/customer_search.py
	$(BIN)/python benchmarks/spike_detection.py
	$(BIN)/python benchmarks/storm.py --posts 50000
	taskset -c 0 $(BIN)/python benchmarks/analysis_throughput.py --data $(DATA) --posts 50000

clean:  ## Remove the virtual environment and local data (./var).
	rm -rf $(VENV) var
