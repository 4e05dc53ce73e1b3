# OwnerVote. The two commands:
#   make run    the demo on SQLite at http://127.0.0.1:8000 (prints the demo accounts first)
#   make test   the whole suite, browser tests included, on both cores
# Others: make docs | make lint | make test-any-day | make fuzz | make lock | make clean | make install | make migrate | make demo
# A fresh clone needs only python3 (3.11+), make and PyPI. Browser tests need Debian's
# `chromium` (apt-get install chromium fonts-noto-cjk) and node/npm for axe-core (apt-get install
# nodejs npm); CI (.ci/run) installs them.

PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
PYTHON := $(BIN)/python
STAMP := $(VENV)/.installed
NODE_STAMP := node_modules/.installed
JOBS ?= 2
HOST ?= 127.0.0.1:8000
# The background worker (db_worker plus the outbox sweep, see README "Notifications"): started by `make run`.
WORKER ?= worker

export PYTHONPATH := src
export PIP_DISABLE_PIP_VERSION_CHECK := 1

# sys.exit(True) is 1: true when the interpreter is older than 3.11.
TOO_OLD := import sys; sys.exit(sys.version_info < (3, 11))

.PHONY: run demo docs migrate test test-any-day fuzz lint install lock clean check-python bench bench-setup bench-import bench-cast \
  bench-count bench-progress bench-documents bench-city bench-city-nodes bench-phone bench-import-bindings

run: export DJANGO_SETTINGS_MODULE := ownervote.settings.dev
run: demo docs
	@echo "== OwnerVote on http://$(HOST)/  (Ctrl-C stops it)"
	@set -e; \
	if $(PYTHON) manage.py help $(WORKER) >/dev/null 2>&1; then \
	  echo "== starting the background worker: manage.py $(WORKER)"; \
	  $(PYTHON) manage.py $(WORKER) & worker=$$!; \
	  trap 'kill $$worker 2>/dev/null || true' EXIT INT TERM; \
	fi; \
	$(PYTHON) manage.py runserver $(HOST)

# The demo database in var/: migrated, then the demo's history replayed up to today (the Shenzhen
# divisions, the accounts, the roster, the owners and three meetings; see ownervote/demo/seed.py).
demo: export DJANGO_SETTINGS_MODULE := ownervote.settings.dev
demo: migrate
	$(PYTHON) manage.py seed_demo --base-url http://$(HOST)

migrate: export DJANGO_SETTINGS_MODULE := ownervote.settings.dev
migrate: install
	@echo "== migrating the database in var/"
	@$(PYTHON) manage.py migrate --noinput -v 0

test: install docs
	$(PYTHON) -m pytest -n $(JOBS) --dist loadgroup $(PYTEST_ARGS)

# The suite does not depend on the day it runs: the same tests with the clock moved (the README's
# "Development"). TODAY: the day, YYYY-MM-DD; by default the 20th of December of the year after the
# last one whose holidays are shipped (a year the calendar lacks), then the next leap day.
# TESTS: which tests (by default all but the browser journeys and the fuzzing, which .ci/run runs with the
# real date: neither depends on it, and each costs minutes).
ANY_DAY_TESTS ?= -m "not browser and not fuzz"
test-any-day: install
	@set -e; \
	days="$(TODAY)"; \
	if [ -z "$$days" ]; then days=$$($(PYTHON) -c 'from ownervote.rules.calendar import SHIPPED; \
	  y = max(SHIPPED) + 1; leap = next(x for x in range(y, y + 8) if x % 4 == 0 and (x % 100 or x % 400 == 0)); \
	  print(f"{y}-12-20 {leap}-02-29")'); fi; \
	for day in $$days; do \
	  echo "== make test with today = $$day (OWNERVOTE_TEST_TODAY)"; \
	  OWNERVOTE_TEST_TODAY=$$day $(PYTHON) -m pytest -n $(JOBS) --dist loadgroup $(ANY_DAY_TESTS) $(PYTEST_ARGS); \
	done

# API fuzzing for longer than CI's few examples (README "Development"): FUZZ_EXAMPLES examples per
# operation, mode and role, drawn from FUZZ_SEED (random by default and printed, to replay a failure).
FUZZ_EXAMPLES ?= 100
fuzz: install
	@seed="$(FUZZ_SEED)"; [ -n "$$seed" ] || seed=$$(od -An -N4 -tu4 /dev/urandom | tr -d ' '); \
	echo "== API fuzzing: $(FUZZ_EXAMPLES) examples per operation, mode and role; FUZZ_SEED=$$seed"; \
	OWNERVOTE_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) OWNERVOTE_FUZZ_SEED=$$seed \
	  $(PYTHON) -m pytest -n $(JOBS) -m fuzz tests/fuzz $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/lint-imports

install: $(STAMP) $(NODE_STAMP)

# The guides per role, in Chinese (docs/guide/, mkdocs.yml), built into build/help/, which the
# application serves at /help/; rebuilt when a page, a picture or mkdocs.yml changes. `make run` and
# `make test` build them, so /help/ works on a fresh clone.
GUIDE_SOURCES := mkdocs.yml $(shell find docs/guide -type f 2>/dev/null)
docs: build/help/index.html

build/help/index.html: $(STAMP) $(GUIDE_SOURCES)
	@echo "== building the guides into build/help/ (served at /help/)"
	@NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --quiet --clean
	@touch $@

# The venv is (re)installed when requirements.lock or pyproject.toml changes. requirements.lock
# is the single pinned install set, dev tools included; the project itself goes in editable,
# without dependencies, so nothing outside the lock is ever installed.
$(STAMP): requirements.lock pyproject.toml | check-python
	@test -x $(PYTHON) || { \
	  echo "== creating $(VENV) with $$($(PY) --version 2>&1)"; \
	  $(PY) -m venv $(VENV) || { rm -rf $(VENV); \
	    echo "error: '$(PY) -m venv' failed. On Debian/Ubuntu: apt-get install python3-venv" >&2; exit 1; }; }
	$(PYTHON) -m pip install -q --upgrade pip
	$(PYTHON) -m pip install -q -r requirements.lock
	$(PYTHON) -m pip install -q --no-deps -e .
	@touch $@

# What the browser tests load from npm (package.json, pinned in package-lock.json): axe-core, run in
# the pages for the accessibility checks (R-SEC-8). Reinstalled when either file changes; without npm
# a note, and those checks skip (CI, which installs npm, fails instead).
$(NODE_STAMP): package.json package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
	  echo "== npm ci (axe-core for the browser tests)"; \
	  npm ci --no-audit --no-fund --loglevel=error && touch $@; \
	else \
	  echo "note: npm not found; the accessibility checks will skip (Debian: apt-get install nodejs npm)"; \
	fi

# Refuses a venv made by a Python older than 3.11 (or one whose interpreter is gone), and a
# python3 older than 3.11 for a new venv, with a message saying what to do.
check-python:
	@if [ -e $(VENV) ]; then \
	  if ! $(PYTHON) -c '$(TOO_OLD)' >/dev/null 2>&1; then \
	    found=$$($(PYTHON) --version 2>&1) || found="an interpreter that no longer runs"; \
	    echo "error: $(VENV) was created by $$found; OwnerVote needs Python 3.11 or newer." >&2; \
	    echo "       Remove it and retry: rm -rf $(VENV) && make $(or $(MAKECMDGOALS),run)" >&2; \
	    echo "       (with a newer interpreter if python3 is old: make run PY=python3.12)" >&2; \
	    exit 1; \
	  fi; \
	elif ! $(PY) -c '$(TOO_OLD)' >/dev/null 2>&1; then \
	  echo "error: '$(PY)' is $$($(PY) --version 2>/dev/null || echo 'not a working Python'); OwnerVote needs Python 3.11 or newer." >&2; \
	  echo "       Install one and pass it: make run PY=python3.12" >&2; \
	  exit 1; \
	fi

# Regenerates requirements.lock from pyproject.toml: a fresh venv, `pip install -e .[dev]` (the
# direct dependencies as pinned in pyproject.toml, and the newest versions of everything they
# need), then `pip freeze --exclude-editable`. Review the diff, run `make test`, commit both files.
lock: check-python
	@set -e; tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; \
	$(PY) -m venv "$$tmp/venv"; \
	"$$tmp/venv/bin/python" -m pip install -q --upgrade pip; \
	"$$tmp/venv/bin/python" -m pip install -q -e '.[dev]'; \
	env -u PYTHONPATH "$$tmp/venv/bin/python" -m pip freeze --exclude-editable > "$$tmp/requirements.lock"; \
	mv "$$tmp/requirements.lock" requirements.lock; \
	echo "== requirements.lock regenerated: $$(wc -l < requirements.lock) packages"; \
	git diff --stat -- requirements.lock 2>/dev/null || true

# Removes everything generated, the venv included. Keeps var/ (the demo database and its files):
# delete var/ yourself to start the demo afresh.
clean:
	rm -rf $(VENV) node_modules .pytest_cache .ruff_cache .hypothesis .import_linter_cache staticfiles \
	  test-artifacts build src/*.egg-info
	find src tests -name __pycache__ -type d -prune -exec rm -rf {} +

# Benchmarks live in bench/ and never run as tests (see bench/README.md).
bench: bench-setup bench-import bench-cast bench-count bench-progress bench-documents bench-city bench-phone \
  bench-import-bindings

# What the benchmarks need beyond the venv: PostgreSQL answering on 127.0.0.1:5432 (trust), wrk,
# HAProxy (bench-city's two nodes), Chromium and the CJK fonts. As root with apt-get, .ci/run installs and starts what is missing;
# otherwise this says what to install.
bench-setup: install
	@if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  bash .ci/run --setup-only </dev/null; \
	else \
	  missing=""; \
	  for c in wrk haproxy chromium psql; do command -v $$c >/dev/null || missing="$$missing $$c"; done; \
	  if [ -n "$$missing" ]; then echo "error: missing:$$missing (Debian: apt-get install wrk haproxy chromium fonts-noto-cjk postgresql)" >&2; exit 1; fi; \
	fi

bench-import: install
	$(PYTHON) bench/import_roster.py $(or $(FLATS),20000)
	$(PYTHON) bench/import_roster.py $(or $(FLATS),20000) --postgres

# PostgreSQL, gunicorn and wrk (apt-get install wrk); FLATS, SECONDS, CONNECTIONS ("16 64"), WORKERS, THREADS,
# PROFILE (casts profiled in-process after the runs). Closed loop (wrk) and open loop (bench/openloop.py).
bench-cast: install
	$(PYTHON) bench/cast.py

# Moving a city over (R-DATA-1): BINDINGS (100000) bindings over ESTATES (50) estates imported from
# the former platform's CSV, on SQLite then on PostgreSQL (BENCH_DATABASE_URL).
bench-import-bindings: install
	$(PYTHON) bench/import_bindings.py $(or $(BINDINGS),100000) $(or $(ESTATES),50)
	$(PYTHON) bench/import_bindings.py $(or $(BINDINGS),100000) $(or $(ESTATES),50) --postgres

# PostgreSQL; FLATS (50000), ITEMS (20), REPEAT (3): the result through the service vs the raw aggregate.
bench-count: install
	$(PYTHON) bench/count.py

# PostgreSQL, gunicorn; the progress page and API at 500 and at FLATS (50000) flats.
bench-progress: install
	$(PYTHON) bench/progress.py

# The per-flat result PDF (and the result table) of FLATS (10000) flats.
bench-documents: install
	$(PYTHON) bench/documents.py

# PostgreSQL, gunicorn, wrk: a generated city (ESTATES 5000, FLATS 1000000, MEETINGS 200), its size,
# the street, district and city dashboards, and the cast benchmark on that database.
bench-city: install
	$(PYTHON) bench/city.py
	$(PYTHON) bench/city_nodes.py

# The city on two nodes (bench/city_nodes.py): HAProxy, two gunicorn nodes, two workers, a PostgreSQL
# primary and a synchronous hot standby of its own in var/bench/pg-city, casting while the dashboards
# are under load with and without the standby, then the failover drill. NODES_ESTATES (100),
# NODES_FLATS (20000), NODES_MEETINGS (5), CAST_FLATS (1000), SECONDS (10), CONNECTIONS (16), WORKERS (4
# a node), DASH_CLIENTS (4), DRILL_CLIENTS (8), DRILL_BEFORE (5), DRILL_AFTER (5).
bench-city-nodes: install
	$(PYTHON) bench/city_nodes.py

# PostgreSQL, gunicorn, Chromium: the owner's voting page on a throttled phone.
bench-phone: install
	$(PYTHON) bench/phone.py
