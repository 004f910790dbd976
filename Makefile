# The README's commands. `make run` and `make test` set everything up themselves.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)

.PHONY: run test install lint format check messages bench clean

$(INSTALLED): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed: set PYTHON=/path/to/python3.11")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	rm -f $(VENV)/.installed-* && touch $@

install: $(INSTALLED)

## Start the web server, a Celery worker and beat, with demo data (http://127.0.0.1:8000).
run: install
	@mkdir -p var
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py demo_data --logins
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/honcho start -f Procfile.dev

## Run the whole test suite.
test: install
	@mkdir -p var
	$(BIN)/python -m pytest

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

## Refresh the translation catalogues after changing user-visible text.
messages: install
	$(BIN)/python manage.py makemessages -l ru -l en --ignore=.venv --ignore=var --ignore=tests --ignore=bench
	$(BIN)/python manage.py compilemessages --ignore=.venv

## Benchmarks (PostgreSQL): see bench/README.md.
bench: install
	$(BIN)/python bench/numbering.py
	$(BIN)/python bench/dashboards.py
	$(BIN)/python bench/pdf.py
	$(BIN)/python bench/reminders.py
	$(BIN)/python bench/tower.py

clean:
	rm -rf var/broker var/celerybeat-schedule* var/test-db-*.sqlite3*
