# ATMP Learn. `make run` and `make test` are all a new machine needs (Python 3.11).
.DEFAULT_GOAL := help

PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
export FLASK_APP := wsgi
RUN_ENV := LMS_CONFIG=development LMS_DEMO=1
# The suite runs in parallel workers (pytest-xdist), a test file per worker at a time.
PYTEST_WORKERS ?= auto
PYTEST := $(BIN)/pytest -n $(PYTEST_WORKERS) --dist loadfile

.PHONY: help install run test test-sqlite test-postgres lint format translations extract-messages benchmark clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "}; {printf "  %-18s %s\n", $$1, $$2}'

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(BIN)/activate
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test,bench]'
	touch $@

install: $(VENV)/.installed translations ## create .venv and install the app with its test tools

translations: $(VENV)/.installed ## compile the message catalogues
	$(BIN)/pybabel compile -d lms/translations

extract-messages: $(VENV)/.installed ## update the catalogues from the code (then translate sv)
	$(BIN)/pybabel extract -F babel.cfg -k _l -k Nn_:1,2 --no-location --sort-output -w 100 -o lms/translations/messages.pot .
	$(BIN)/pybabel update -N --ignore-obsolete -w 100 -i lms/translations/messages.pot -d lms/translations

run: install ## migrate, load courses/, seed demo data, serve on http://127.0.0.1:5000 (SQLite)
	$(RUN_ENV) $(BIN)/flask db upgrade heads
	$(RUN_ENV) $(BIN)/flask lms sync-courses
	$(RUN_ENV) $(BIN)/flask lms seed-demo
	$(RUN_ENV) $(BIN)/flask run --host 127.0.0.1 --port 5000

lint: $(VENV)/.installed ## ruff check and format check
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.installed ## format the code
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

node_modules/.installed: package.json
	npm install --no-audit --no-fund --silent
	touch $@

# Test tools from npm: axe-core for the browser tests (run when Debian's Chromium is there;
# .ci/run installs it), oidc-provider, the OpenID provider the single sign-on tests start,
# the VC libraries that verify our Open Badges credentials, and
# commonmark-spec, the CommonMark examples the course renderer is measured against.
test-sqlite: install node_modules/.installed
	$(PYTEST)

test-postgres: install node_modules/.installed
	@if [ -n "$$TEST_DATABASE_URL" ]; then \
		echo "== the suite again on PostgreSQL"; \
		LMS_TEST_DATABASE_URL="$$TEST_DATABASE_URL" $(PYTEST) --ignore=tests/e2e; \
	else echo "TEST_DATABASE_URL not set: PostgreSQL run skipped"; fi

test: lint test-sqlite test-postgres ## the whole suite: lint, SQLite, then PostgreSQL when TEST_DATABASE_URL is set

benchmark: install ## run the benchmarks under benchmarks/
	@for b in benchmarks/bench_*.py; do $(BIN)/python $$b || exit 1; done

clean: ## remove the virtualenv and caches
	rm -rf $(VENV) .pytest_cache .ruff_cache instance
