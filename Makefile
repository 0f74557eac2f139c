# The two set-up commands of the README: `make demo` and `make test`. Nothing else is needed on a fresh machine.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell sha1sum pyproject.toml | cut -c1-12)
POSTGRES_TEST_URL ?= postgresql://postgres@127.0.0.1:5432/roer
REDIS_TEST_URL ?= redis://127.0.0.1:6379/15
# CI sets REQUIRE_SERVICES=1: a missing PostgreSQL or Redis is then a failure, not a note.
REQUIRE_SERVICES ?= 0
CHROMIUM ?= /usr/bin/chromium
PYTEST_ARGS ?=

.PHONY: install demo test test-sqlite test-postgres lint format bench soak faults messages clean

$(STAMP): pyproject.toml
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e ".[dev]"
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

install: $(STAMP)

demo: install
	$(BIN)/roer migrate --no-input -v 0
	$(BIN)/roer demo --no-serve
	@echo ">>> Tonight's collections run, so the staff queues have work in them (idempotent for the date)"
	$(BIN)/roer run_collections
	@echo ">>> The supervisor's review queue for the last four weeks, and the meters for the last four months (nightly in production)"
	$(BIN)/roer fill_review_queue --from $$(date -d '28 days ago' +%F) --to $$(date -d yesterday +%F)
	$(BIN)/roer rollup_meters --from $$(date -d '120 days ago' +%F)
	$(BIN)/roer runserver 127.0.0.1:8000 --noreload

# The fault tests (tests/faults, marked `faults`) are always left out here: `make faults` runs them.
test: install
	@redis_ok=1; $(BIN)/python -m roer.conf.probe redis $(REDIS_TEST_URL) || redis_ok=0; \
	left_out="faults"; \
	if [ $$redis_ok = 0 ]; then \
	  if [ "$(REQUIRE_SERVICES)" = 1 ]; then echo "FAIL: Redis is required and not reachable at $(REDIS_TEST_URL)"; exit 1; fi; \
	  echo ">>> Redis not reachable at $(REDIS_TEST_URL): the Celery worker test is left out of this run."; \
	  left_out="$${left_out:+$$left_out or }integration"; \
	fi; \
	if [ ! -x $(CHROMIUM) ]; then \
	  if [ "$(REQUIRE_SERVICES)" = 1 ]; then echo "FAIL: the browser tests need $(CHROMIUM) (apt-get install chromium)"; exit 1; fi; \
	  echo ">>> $(CHROMIUM) not installed: the browser tests are left out of this run (apt-get install chromium)."; \
	  left_out="$${left_out:+$$left_out or }browser"; \
	fi; \
	marker=""; if [ -n "$$left_out" ]; then marker="-m 'not ($$left_out)'"; fi; \
	echo ">>> Test suite on SQLite"; \
	eval ROER_TEST_REDIS_URL=$(REDIS_TEST_URL) $(BIN)/pytest $$marker $(PYTEST_ARGS) || exit 1; \
	if $(BIN)/python -m roer.conf.probe postgres $(POSTGRES_TEST_URL); then \
	  echo ">>> Test suite on PostgreSQL ($(POSTGRES_TEST_URL))"; \
	  eval DATABASE_URL=$(POSTGRES_TEST_URL) SECRET_KEY=test-only-not-secret ROER_TEST_REDIS_URL=$(REDIS_TEST_URL) \
	    $(BIN)/pytest $$marker $(PYTEST_ARGS) || exit 1; \
	elif [ "$(REQUIRE_SERVICES)" = 1 ]; then \
	  echo "FAIL: PostgreSQL is required and not reachable at $(POSTGRES_TEST_URL)"; exit 1; \
	else \
	  echo ">>> PostgreSQL not reachable at $(POSTGRES_TEST_URL): ran the suite on SQLite only."; \
	fi

lint: install
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy src

format: install
	$(BIN)/ruff check --fix src tests bench
	$(BIN)/ruff format src tests bench

messages: install
	cd src/roer && ../../$(BIN)/roer makemessages -l nl --no-location --ignore "*/tests/*" && ../../$(BIN)/roer compilemessages

TARGET ?= all
bench: install
	$(BIN)/python -m bench $(TARGET)

# Issue 7's soak test: 50 simulated tenants for 10 minutes on gunicorn and PostgreSQL (bench/portal_load.py).
SOAK_MINUTES ?= 10
soak: install
	$(BIN)/python -m bench portal_load --soak $(SOAK_MINUTES)

# Issue 7's fault tests: throwaway PostgreSQL, Redis and SMTP servers on private ports, broken and brought
# back under the app (tests/faults; the shared 5432 and 6379 are never touched). `.ci/run` runs them.
faults: install
	$(BIN)/pytest -m faults tests/faults $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) var/test-* .pytest_cache .mypy_cache .ruff_cache
