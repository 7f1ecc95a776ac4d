# Two commands: `make run` (demo site + task worker) and `make test` (whole suite).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install run test lint messages check-deploy bench clean axe test-fast test-browser test-quality audit

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $@

install: $(VENV)/.installed messages

messages: | $(BIN)/python
	cd $(CURDIR) && DEBUG=1 $(BIN)/python manage.py compilemessages --ignore=.venv --verbosity 0

# Demo: SQLite, console email, a task worker beside the web server.
run: install
	DEBUG=1 $(BIN)/python manage.py migrate --no-input
	DEBUG=1 $(BIN)/python manage.py load_demo
	@echo "Site: http://$(HOST):$(PORT)/   staff area: http://$(HOST):$(PORT)/staff/admin/"
	@trap 'kill 0' INT TERM EXIT; \
	DEBUG=1 $(BIN)/python manage.py db_worker & \
	DEBUG=1 $(BIN)/python manage.py count_figures & \
	DEBUG=1 $(BIN)/python manage.py take_signatures & \
	DEBUG=1 $(BIN)/python manage.py runserver $(HOST):$(PORT)

# axe-core for the accessibility tests, from the npm registry into git-ignored var/npm.
AXE_JS := var/npm/node_modules/axe-core/axe.min.js
$(AXE_JS):
	npm install --no-save --no-audit --no-fund --silent --prefix var/npm axe-core@4
axe: $(AXE_JS)

# The whole suite. Uses DATABASE_URL when set (CI: PostgreSQL), SQLite otherwise.
test: install $(AXE_JS)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	DEBUG=1 $(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/pytest -p no:cacheprovider $(PYTEST_ARGS)

# Each gate alone (see README "Quality gates").
test-fast: install
	$(BIN)/pytest -p no:cacheprovider -m "not browser" $(PYTEST_ARGS)

test-browser: install $(AXE_JS)
	$(BIN)/pytest -p no:cacheprovider -m browser $(PYTEST_ARGS)

test-quality: install
	$(BIN)/pytest -p no:cacheprovider tests/quality $(PYTEST_ARGS)

# Known-vulnerable dependencies (needs PyPI's vulnerability data) and a static scan of our code.
audit: install
	bash .ci/audit

# The benchmark (bench/, README "Benchmark"): gunicorn, PostgreSQL, Redis and a task worker under
# wrk load; about 10 minutes. Needs PostgreSQL and Redis running locally; installs wrk when root.
bench: install
	@command -v wrk >/dev/null || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq wrk; \
	  else echo "wrk is missing: sudo apt-get install -y wrk"; exit 1; fi; }
	$(BIN)/python -m bench.run $(BENCH_ARGS)

lint: install
	$(BIN)/ruff check . && $(BIN)/ruff format --check . && $(BIN)/lint-imports

clean:
	rm -rf $(VENV) var
