# Each target creates the virtualenv it needs, so `make run` and `make test` work on a fresh machine.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PG_TEST_URL ?= postgresql://postgres@127.0.0.1:5432/test
# e.g. BENCH_ARGS='--baseline main' to measure main's dispatcher and adapter in the same run
BENCH_ARGS ?=

.PHONY: run demo test test-postgres lint typecheck check bench browser-deps clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev,slack,discord]'
	touch $(STAMP)

run: $(STAMP)  ## the bot in the terminal (console adapter, SQLite in ./data)
	$(BIN)/mentorbot run

demo: $(STAMP)  ## a scripted month of one mentorship, in seconds
	$(BIN)/mentorbot demo

test: $(STAMP)  ## the whole suite on SQLite
	$(BIN)/pytest -q

test-postgres: $(STAMP)  ## the whole suite on PostgreSQL (each test in its own schema)
	MENTORBOT_TEST_DATABASE_URL=$(PG_TEST_URL) $(BIN)/pytest -q

lint: $(STAMP)  ## ruff, and the import contracts in pyproject.toml ([tool.importlinter])
	$(BIN)/ruff check .
	$(BIN)/ruff format --check bot adapters tests migrations bench tools
	$(BIN)/lint-imports

typecheck: $(STAMP)
	$(BIN)/mypy bot adapters bench

check: lint typecheck test test-postgres

browser-deps:  ## Debian's chromium and chromium-driver for tests/web/test_browser.py (root or passwordless sudo, and apt)
	@if command -v chromium >/dev/null && command -v chromedriver >/dev/null; then \
	  echo "chromium and chromedriver are installed"; \
	else \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then SUDO="sudo -n"; \
	  else echo "cannot install chromium here (needs root or passwordless sudo): the browser test will be skipped"; exit 0; fi; \
	  if ! command -v apt-get >/dev/null; then echo "no apt-get: install chromium and chromedriver yourself, or the browser test is skipped"; exit 0; fi; \
	  $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends chromium chromium-driver \
	  || ($$SUDO apt-get update -q && $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends chromium chromium-driver); \
	fi

bench: $(STAMP)  ## the benchmarks (fan-out of 100,000; half an hour on a busy 2-core machine); writes bench/results.md
	$(BIN)/python -m bench $(BENCH_ARGS)

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
