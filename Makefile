# Two commands do everything: `make run` and `make test` (see README.md).
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export CS_PROJECT_DIR := $(CURDIR)
# Spark (the spark target, tests/e2e/test_spark_parity.py) binds to the loopback only.
export SPARK_LOCAL_IP := 127.0.0.1
export DBT_PROFILES_DIR := $(CURDIR)
export DBT_PROJECT_DIR := $(CURDIR)
export DAGSTER_HOME ?= $(CURDIR)/warehouse/dagster_home

.PHONY: run test setup manifest lint lint-checks pytest pytest-run bench clean docs semantic chromium

$(STAMP): pyproject.toml constraints.txt
	@command -v $(PYTHON) >/dev/null || { echo "Python 3.11 is required ($(PYTHON) not found)"; exit 1; }
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev,spark]'
	@touch $(STAMP)

setup: $(STAMP)

# dbt-bouncer pins an older duckdb, so it lives in a venv of its own and only reads target/.
BOUNCER_STAMP := .venv-bouncer/.installed
$(BOUNCER_STAMP): constraints-bouncer.txt
	@test -x .venv-bouncer/bin/python || $(PYTHON) -m venv .venv-bouncer
	.venv-bouncer/bin/python -m pip install --quiet --upgrade pip
	.venv-bouncer/bin/python -m pip install --quiet -c constraints-bouncer.txt dbt-bouncer==4.3.0
	@touch $(BOUNCER_STAMP)

# dagster-dbt needs target/manifest.json before the definitions load.
manifest: setup
	@mkdir -p warehouse
	$(BIN)/dbt parse --quiet

# The Dagster run also writes warehouse/report/index.html and warehouse/exports/*.parquet.
run: manifest
	$(BIN)/python -m orchestration.run
	$(MAKE) --no-print-directory docs

# dbt docs (lineage, every model and column) into warehouse/docs/: open static_index.html
# directly, or serve the folder (python -m http.server -d warehouse/docs) for index.html.
DOCS_DIR := warehouse/docs
docs: manifest
	@rm -rf warehouse/.docs_target
	$(BIN)/dbt docs generate --quiet --static --target-path warehouse/.docs_target
	@mkdir -p $(DOCS_DIR)
	cp warehouse/.docs_target/index.html warehouse/.docs_target/static_index.html \
	   warehouse/.docs_target/catalog.json warehouse/.docs_target/manifest.json $(DOCS_DIR)/
	@rm -rf warehouse/.docs_target
	@echo "dbt docs: $(DOCS_DIR)/static_index.html"

# The semantic layer's own checks (MetricFlow), against the built warehouse.
semantic: manifest
	$(BIN)/mf validate-configs

# The report test needs a headless browser: Debian's chromium, installed when missing (CI starts
# from a clean machine and runs as root).
chromium:
	@command -v chromium >/dev/null || { \
	  echo "installing Debian chromium for the report test"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null; }

lint: manifest $(BOUNCER_STAMP)
	@$(MAKE) --no-print-directory lint-checks

pytest: manifest chromium
	@$(MAKE) --no-print-directory pytest-run

# The *-checks/-run targets assume set-up and manifest are done. sqlfluff's dbt templater compiles
# into a target dir of its own, so it never rewrites the manifest the tests and Dagster read.
lint-checks:
	$(BIN)/ruff check orchestration tools tests
	$(BIN)/ruff format --check orchestration tools tests
	DBT_TARGET_PATH=target/sqlfluff $(BIN)/sqlfluff lint --processes 2 models tests/dbt
	.venv-bouncer/bin/dbt-bouncer run --config-file dbt-bouncer.yml

# Three workers, one test file each at a time (module fixtures build once): the Spark build waits
# on per-statement latency more than it computes, so a third worker keeps both cores busy. Exit
# code 5 (nothing collected) is a failure.
pytest-run:
	$(BIN)/python -m pytest -n 3 --dist loadfile --durations=15 tests; rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "pytest collected no tests: failing"; exit 1; fi; exit $$rc

# Linters and tests side by side (2 cores); each one's output is printed whole when it finishes.
# The two venvs and chromium install side by side too.
test:
	@$(MAKE) --no-print-directory -j3 --output-sync=target setup $(BOUNCER_STAMP) chromium
	@$(MAKE) --no-print-directory manifest
	@$(MAKE) --no-print-directory -j2 --output-sync=target lint-checks pytest-run

# Not part of `make test`: generates 10k/100k/1M customers (1M: ~100M+ raw rows, tens of GB of
# disk in warehouse/bench) and writes docs/benchmarks.md. BENCH_SIZES="10000 100000" for fewer.
BENCH_SIZES ?= 10000 100000 1000000
bench: manifest
	$(BIN)/python -m tools.bench --sizes $(BENCH_SIZES)

clean:
	rm -rf target logs warehouse/*.duckdb warehouse/dagster_home
