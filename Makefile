# Meetpoint: `make demo` to try it, `make test` to check it.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=

.PHONY: install demo serve test lint format migrations-check messages clean audit check-deploy

$(STAMP): pyproject.toml tools/hsds-validator/package-lock.json
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	# test tool: Open Referral's validator engine (tests skip it where npm is absent)
	if command -v npm >/dev/null; then npm ci --prefix tools/hsds-validator --no-audit --no-fund --silent; fi
	touch $(STAMP)

install: $(STAMP)

# The demo signs staff in with a password alone; real deployments require two-step sign-in (docs/security.md).
# E-mails (invitations, password resets) are printed to this terminal unless EMAIL_URL names a mail server.
demo: install
	$(BIN)/meetpoint migrate --noinput
	$(BIN)/meetpoint load_demo
	@echo "Serving Meetpoint on http://$(HOST):$(PORT)/  (Ctrl-C stops it)"
	MEETPOINT_REQUIRE_2FA=$${MEETPOINT_REQUIRE_2FA:-0} EMAIL_URL=$${EMAIL_URL:-console://} $(BIN)/meetpoint runserver $(HOST):$(PORT)

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

# Known vulnerabilities in the installed dependencies (pip-audit): fails on any; names what it could not audit.
audit: install
	$(BIN)/python tools/audit_dependencies.py $(AUDIT_ARGS)

# A production configuration (DEBUG off, HTTPS, secrets from the environment) must pass Django's deployment
# checks and Meetpoint's own with no warning. The secrets here are throwaway ones made for the check.
check-deploy: install
	DEBUG=0 MEETPOINT_HTTPS=1 ALLOWED_HOSTS=meetpoint.example.org MEETPOINT_VAR_DIR=$(CURDIR)/var/check-deploy \
	SECRET_KEY=$$($(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(64))') \
	MEETPOINT_FIELD_KEYS=$$($(BIN)/python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())') \
	$(BIN)/meetpoint check --deploy --fail-level WARNING

messages: install
	cd meetpoint && ../$(BIN)/meetpoint makemessages -l es --ignore 'static/vendor/*' --ignore '.venv/*' && ../$(BIN)/meetpoint compilemessages

clean:
	rm -rf $(VENV) var/*.sqlite3*
