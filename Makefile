# Two commands: `make run` (demo site + task worker) and `make test` (whole suite).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install run test lint messages check-deploy bench clean

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
	DEBUG=1 $(BIN)/python manage.py runserver $(HOST):$(PORT)

# The whole suite. Uses DATABASE_URL when set (CI: PostgreSQL), SQLite otherwise.
test: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	DEBUG=1 $(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/pytest -p no:cacheprovider $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check . && $(BIN)/ruff format --check .

clean:
	rm -rf $(VENV) var
