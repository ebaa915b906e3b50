# Two commands do everything: `make run` and `make test` (see README.md).
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export CS_PROJECT_DIR := $(CURDIR)
export DBT_PROFILES_DIR := $(CURDIR)
export DBT_PROJECT_DIR := $(CURDIR)
export DAGSTER_HOME ?= $(CURDIR)/warehouse/dagster_home

.PHONY: run test setup manifest lint dbt-test pytest bench clean

$(STAMP): pyproject.toml constraints.txt
	@command -v $(PYTHON) >/dev/null || { echo "Python 3.11 is required ($(PYTHON) not found)"; exit 1; }
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev]'
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

run: manifest
	$(BIN)/python -m orchestration.run

lint: manifest $(BOUNCER_STAMP)
	$(BIN)/ruff check orchestration tools tests
	$(BIN)/ruff format --check orchestration tools tests
	$(BIN)/sqlfluff lint models tests/dbt
	.venv-bouncer/bin/dbt-bouncer run --config-file dbt-bouncer.yml

pytest: manifest
	$(BIN)/python -m pytest tests; rc=$$?; if [ $$rc -eq 5 ]; then echo "pytest collected no tests: failing"; exit 1; fi; exit $$rc

test: manifest lint pytest

# Not part of `make test`: generates 10k/100k/1M customers (1M: ~100M+ raw rows, tens of GB of
# disk in warehouse/bench) and writes docs/benchmarks.md. BENCH_SIZES="10000 100000" for fewer.
BENCH_SIZES ?= 10000 100000 1000000
bench: manifest
	$(BIN)/python -m tools.bench --sizes $(BENCH_SIZES)

clean:
	rm -rf target logs warehouse/*.duckdb warehouse/dagster_home
