# Two commands do all the set-up on a fresh machine (see README.md):
#   make run    the service with demo data on SQLite, at the URL it prints
#   make test   lint and the whole test suite (PostgreSQL when DATABASE_URL says so)
#   make test-processes   the service's real processes killed, raced and scaled out
#               (PostgreSQL and Redis: DATABASE_URL and REDIS_URL, local servers by default)
#   make test-contract    schemathesis against the running service (a few minutes)

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000
MAIL_PORT ?= 8025
export FLASK_APP := wsgi

PROCESS_DATABASE_URL ?= postgresql://postgres@127.0.0.1:5432/postgres
PROCESS_REDIS_URL ?= redis://127.0.0.1:6379/0

.PHONY: run test test-processes test-contract lint bench clean assets mutation

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

# The demo's whole loop on one machine: the web service, the scheduler (reminders, hold
# expiry, email delivery) and a local mail catcher keeping every email the service sends
# in instance/mail/new/ (one file per message). Ctrl-C stops all three.
run: $(VENV)/.installed
	$(BIN)/flask db upgrade
	P2P_BASE_URL=http://$(HOST):$(PORT) $(BIN)/flask p2p demo
	@mkdir -p instance/mail/tmp instance/mail/new instance/mail/cur
	@echo
	@echo "  P2P scheduler running: open http://$(HOST):$(PORT)/   (Ctrl-C stops it)"
	@echo "  Emails it sends: instance/mail/new/"
	@echo
	@$(BIN)/python -m aiosmtpd -n -l $(HOST):$(MAIL_PORT) -c aiosmtpd.handlers.Mailbox instance/mail & \
	mail=$$!; \
	P2P_SMTP_HOST=$(HOST) P2P_SMTP_PORT=$(MAIL_PORT) P2P_BASE_URL=http://$(HOST):$(PORT) \
	  $(BIN)/flask p2p scheduler & \
	jobs=$$!; \
	trap 'kill $$mail $$jobs 2>/dev/null' INT TERM; \
	P2P_BASE_URL=http://$(HOST):$(PORT) P2P_BIND=$(HOST):$(PORT) $(BIN)/gunicorn wsgi:app; \
	served=$$?; kill $$mail $$jobs 2>/dev/null; wait; exit $$served

lint: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/lint-imports

# axe-core, for the browser tests' accessibility audits (from npm; without npm those
# tests are skipped, except in CI where .ci/run installs it).
NODE_PACKAGES := $(if $(shell command -v npm),node_modules/.package-lock.json)

node_modules/.package-lock.json: package-lock.json
	npm ci --no-audit --no-fund --ignore-scripts

test: lint $(NODE_PACKAGES)
	$(BIN)/pytest -q

test-processes: $(VENV)/.installed
	DATABASE_URL=$${DATABASE_URL:-$(PROCESS_DATABASE_URL)} \
	REDIS_URL=$${REDIS_URL:-$(PROCESS_REDIS_URL)} $(BIN)/pytest -q tests/processes

# Mutation testing of the pure core (not in CI; over an hour on two shared cores):
# every mutant of p2p/eligibility, p2p/slots and p2p/appointments against the unit tests
# that reach it ([tool.mutmut] in pyproject.toml, the property tests at 10 examples each:
# tests/unit/conftest.py). `mutmut results` then lists the survivors; docs/testing.md
# has the score and the survivors judged equivalent.
mutation: $(VENV)/.installed
	P2P_MUTATION=1 $(BIN)/mutmut run --max-children $${MUTATION_CHILDREN:-2}
	$(BIN)/mutmut results

# schemathesis against a gunicorn on a fresh, migrated SQLite database holding the demo's
# data, every phase (stateful included), bounded: tests/contract/run.py.
test-contract: $(VENV)/.installed
	$(BIN)/python tests/contract/run.py

clean:
	rm -rf $(VENV) instance .pytest_cache .hypothesis mutants

# The pages' static files (developers only: needs Node.js; the result is committed).
assets: node_modules/.package-lock.json
	npm run build:css
	$(BIN)/python -m p2p.web.assets
