# newsdesk: `make run` sets up and serves the demo site; `make test` runs the tests.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test test-sqlite test-postgres install test-deps clean-data benchmark

run: $(VENV)/.installed
	$(BIN)/newsdesk run

# The suite twice: on SQLite, as `make run` serves, then its in-process
# tests on the PostgreSQL server and with Redis as the cache. Tests that
# start sites in processes of their own, browsers or hostile servers run in
# the first pass only; those about PostgreSQL and Redis start their own there.
test: test-sqlite test-postgres

test-sqlite: $(VENV)/.installed-test test-deps
	$(BIN)/pytest

TEST_POSTGRES_URL ?= postgres://newsdesk:newsdesk@127.0.0.1:5432/newsdesk
TEST_REDIS_URL ?= redis://127.0.0.1:6379/14
test-postgres: $(VENV)/.installed-test test-deps
	NEWSDESK_TEST_DATABASE_URL=$(TEST_POSTGRES_URL) NEWSDESK_TEST_REDIS_URL=$(TEST_REDIS_URL) \
	$(BIN)/pytest -p no:cacheprovider -m "not own_site" $(addprefix --ignore=tests/,$(SQLITE_PASS_ONLY))

# Left out of the second pass: tests that start sites, browsers or hostile
# servers in processes of their own (which keep SQLite), those that bring
# their own PostgreSQL and Redis, and those that never touch the database.
SQLITE_PASS_ONLY := browser hostile production backups demo outbound property sections security \
	test_cli.py test_html_validity.py test_docs.py test_excerpts.py test_ages.py test_web_process.py \
	wire/test_extraction_quality.py wire/test_boilerplate.py wire/test_parsing.py wire/test_sanitising.py

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
