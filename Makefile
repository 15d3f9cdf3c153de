# Meetpoint: `make demo` to try it, `make test` to check it.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=

.PHONY: install demo serve test lint format migrations-check messages clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

# The demo signs staff in with a password alone; real deployments require two-step sign-in (docs/security.md).
demo: install
	$(BIN)/meetpoint migrate --noinput
	$(BIN)/meetpoint load_demo
	@echo "Serving Meetpoint on http://$(HOST):$(PORT)/  (Ctrl-C stops it)"
	MEETPOINT_REQUIRE_2FA=$${MEETPOINT_REQUIRE_2FA:-0} $(BIN)/meetpoint runserver $(HOST):$(PORT)

serve: install
	$(BIN)/meetpoint runserver $(HOST):$(PORT)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

migrations-check: install
	$(BIN)/meetpoint makemigrations --check --dry-run

test: lint migrations-check
	$(BIN)/pytest -n 2 $(PYTEST_ARGS)

messages: install
	cd meetpoint && ../$(BIN)/meetpoint makemessages -l es --ignore 'static/vendor/*' --ignore '.venv/*' && ../$(BIN)/meetpoint compilemessages

clean:
	rm -rf $(VENV) var/*.sqlite3*
