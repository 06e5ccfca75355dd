# newsdesk: `make run` sets up and serves the demo site; `make test` runs the tests.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test install test-deps clean-data benchmark

run: $(VENV)/.installed
	$(BIN)/newsdesk run

test: $(VENV)/.installed-test test-deps
	$(BIN)/pytest

install: $(VENV)/.installed

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(VENV)/bin/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(VENV)/bin/python
	$(BIN)/pip install --quiet -e ".[test,postgres,redis,sections,stories]"
	touch $(VENV)/.installed $@

# Debian's chromium, a Java runtime and the Nu Html Checker (npm vnu-jar).
test-deps:
	bash scripts/install-test-deps.sh

clean-data:
	rm -rf var/
