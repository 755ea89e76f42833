# Oficina: `make run` starts the app, `make test` runs every check. Both set up what they need.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
PG_TEST_URL ?= postgres://postgres@127.0.0.1:5432/oficina
PYTEST_ARGS ?=

.PHONY: run test lint format test-sqlite test-postgres test-fast schema messages system-packages clean

$(VENV)/.runtime: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

$(VENV)/.dev: $(VENV)/.runtime requirements-dev.txt
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

run: $(VENV)/.runtime
	$(PY) manage.py compile_catalogues
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	$(PY) manage.py welcome --host $(HOST) --port $(PORT)
	@# The background worker (SMS, recordings, …) runs beside the server and stops with it.
	$(PY) manage.py db_worker --no-reload --queue-name '*' -v 0 & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(VENV)/bin/uvicorn config.asgi:application --host $(HOST) --port $(PORT) --lifespan off \
		--ws-max-size 65536 --timeout-graceful-shutdown 5

# The whole suite: lint, then every test (browser tests included) on SQLite and PostgreSQL.
test: $(VENV)/.dev system-packages lint
	$(PY) manage.py compile_catalogues
	$(MAKE) --no-print-directory test-sqlite
	$(MAKE) --no-print-directory test-postgres

lint: $(VENV)/.dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(VENV)/.dev
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

test-sqlite: $(VENV)/.dev
	@echo "== test suite on SQLite =="
	env -u DATABASE_URL $(PY) -m pytest -n 2 -m "slow or not slow" $(PYTEST_ARGS)

test-postgres: $(VENV)/.dev
	@if $(PY) scripts/db_ready.py "$(PG_TEST_URL)"; then \
		echo "== test suite on PostgreSQL =="; \
		DATABASE_URL="$(PG_TEST_URL)" $(PY) -m pytest -n 2 -m "slow or not slow" $(PYTEST_ARGS); \
	elif [ -n "$$OFICINA_REQUIRE_POSTGRES" ]; then \
		echo "PostgreSQL is required but not reachable at $(PG_TEST_URL)"; exit 1; \
	else \
		echo "== PostgreSQL not reachable at $(PG_TEST_URL): its run is skipped (CI runs it) =="; \
	fi

# Quick loop while coding: SQLite, no browser tests.
test-fast: $(VENV)/.dev
	$(PY) -m pytest -n 2 $(PYTEST_ARGS)

system-packages:
	@sh scripts/ensure_system_packages.sh

# Regenerate the committed OpenAPI schema after changing the API.
schema: $(VENV)/.runtime
	$(PY) manage.py spectacular --file docs/openapi.yaml --validate --lang en

# Refresh the translation catalogues after changing strings (needs GNU gettext).
messages: $(VENV)/.runtime
	$(PY) manage.py makemessages -l pt_BR --no-obsolete --ignore=.venv --ignore=var
	$(PY) manage.py compile_catalogues

clean:
	rm -rf $(VENV) var/static
