# Dossier: the everyday commands. `make run` serves the site with a task worker beside
# it (`make run PORT=8001` for another port), `make test` runs every test (browser tests included).
# Needs Python 3.12 (see .python-version).

SHELL := /bin/bash

# Never let uv download a Python of its own: use the machine's 3.12.
export UV_PYTHON_DOWNLOADS := never

CHROMIUM := /usr/bin/chromium
AXE_JS := node_modules/axe-core/axe.min.js
PYTEST_ARGS ?=
HOST ?= 127.0.0.1
PORT ?= 8000

# uv from PATH; if it was just installed with pip and the shell cannot run it
# yet (a pyenv shim missing, or one for another Python version), fall back to
# the module. Expanded lazily, so it is looked up again after `install` ran.
UV = $(shell uv --version >/dev/null 2>&1 && echo uv || echo python3 -m uv)
# Tests and lint run with the dev group (pytest, Playwright, ruff); the site is served
# with the runtime dependencies only, in an inexact sync: after `make test` it removes
# nothing, so switching between `make run` and `make test` reinstalls nothing.
RUN = $(UV) run --locked
SERVE = $(UV) run --locked --no-dev

.PHONY: uv install install-runtime run test lint format check-browser check-redis

uv:
	@uv --version >/dev/null 2>&1 || python3 -m uv --version >/dev/null 2>&1 || { \
		echo "uv not found: installing it with pip"; \
		python3 -m pip install --quiet uv; \
		if command -v pyenv >/dev/null 2>&1; then pyenv rehash; fi; \
	}

install: uv
	$(UV) sync --locked

install-runtime: uv
	$(UV) sync --locked --no-dev --inexact

run: install-runtime
	$(SERVE) python manage.py migrate --noinput
	$(SERVE) python manage.py load_demo --login-url http://$(HOST):$(PORT)/admin/
	@# The task worker (imports, scan tiles, mail, scheduled publication) runs beside the
	@# server and stops with it.
	$(SERVE) python manage.py worker & worker=$$!; trap 'kill $$worker 2>/dev/null' EXIT; \
		$(SERVE) python manage.py runserver $(HOST):$(PORT)

check-browser:
	@if [ ! -x "$(CHROMIUM)" ]; then \
		echo ""; \
		echo "************************************************************************"; \
		echo "*  $(CHROMIUM) is missing: the browser tests need Debian's Chromium."; \
		echo "*  Install it, then run make test again:"; \
		echo "*"; \
		echo "*      sudo apt-get update && sudo apt-get install chromium"; \
		echo "*"; \
		echo "************************************************************************"; \
		echo ""; \
		exit 1; \
	fi

# axe-core for the accessibility checks; reinstalled only when the lock changes.
$(AXE_JS): package.json package-lock.json
	@command -v npm >/dev/null 2>&1 || { \
		echo ""; \
		echo "*** npm is missing: the accessibility tests need axe-core from npm."; \
		echo "*** Install it (sudo apt-get install nodejs npm), then run make test again."; \
		echo ""; \
		exit 1; \
	}
	npm ci --no-audit --no-fund
	@touch $@

check-redis:
	@if ! command -v redis-server >/dev/null 2>&1; then \
		echo ""; \
		echo "*** redis-server is missing: the cache tests run against a real Redis."; \
		echo "*** Install it (sudo apt-get install redis-server), then run make test again."; \
		echo ""; \
		exit 1; \
	fi

test: install check-browser check-redis $(AXE_JS)
	$(RUN) pytest $(PYTEST_ARGS)

lint: install
	$(RUN) ruff check .
	$(RUN) ruff format --check .
	$(RUN) python manage.py makemigrations --check --dry-run
	$(RUN) lint-imports

format: install
	$(RUN) ruff format .
	$(RUN) ruff check --fix .
