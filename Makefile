# Two commands do everything: `make run` and `make test` (see README.md).
SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
export CS_PROJECT_DIR := $(CURDIR)
# Spark (the spark target, tests/e2e/test_spark_parity.py) binds to the loopback only.
export SPARK_LOCAL_IP := 127.0.0.1
export DBT_PROFILES_DIR := $(CURDIR)
export DBT_PROJECT_DIR := $(CURDIR)
export DAGSTER_HOME ?= $(CURDIR)/warehouse/dagster_home

.PHONY: run test setup setup-dev bouncer lock spark manifest lint lint-checks pytest pytest-run \
	bench clean distclean docs docs-run semantic chromium duckdb1

# Python environments come from the locks (uv.lock, envs/*/uv.lock: exact versions with
# hashes) through uv, itself installed from PyPI with its hashes (envs/uv.txt) into .venv-uv by
# PYTHON if given, else python3. PYTHON=<python executable> also chooses the interpreter of .venv,
# .venv-bouncer and .venv-duckdb1; without it uv keeps an environment whose interpreter fits requires-python
# and otherwise takes the first Python on the PATH that does. uv never downloads a Python. Every
# target but the *-checks/-run ones first syncs the environment it needs, so one built for
# another interpreter, or left half-installed by a failed install, is rebuilt or repaired there.
UV_VERSION := 0.13.9
UV_ENV := .venv-uv
UV := $(UV_ENV)/bin/uv
export UV_PYTHON_DOWNLOADS := never
export UV_PYTHON_PREFERENCE := system
# Bytecode compiled at install, as pip did: where PYTHONDONTWRITEBYTECODE is set, every process
# would otherwise compile dbt, Dagster and the rest anew on import (about 10 s each). A sync that
# changes nothing then costs about a second, to check the compiled files.
export UV_COMPILE_BYTECODE := 1
# --locked: a pin edited in a pyproject.toml without `make lock` fails here instead of being
# silently ignored.
UV_SYNC := $(UV) sync --quiet --locked $(if $(PYTHON),--python $(PYTHON))

$(UV): envs/uv.txt
	@rm -rf $(UV_ENV)
	@$(or $(PYTHON),python3) -m venv $(UV_ENV)
	@$(UV_ENV)/bin/python -m pip install --quiet --disable-pip-version-check --no-deps \
	  --require-hashes -r envs/uv.txt
	@touch $@

# What `make run` needs: the base dependencies, plus the spark extra (pyspark, about 0.5 GB) only
# for CS_DBT_TARGET=spark. --inexact keeps what `make test` added, so the two never undo each
# other. setup-dev installs exactly the lock's base, dev and spark sets (linters, tests, Spark).
setup: $(UV)
	@$(UV_SYNC) --inexact $(if $(filter spark,$(CS_DBT_TARGET)),--extra spark)

setup-dev: $(UV)
	@$(UV_SYNC) --extra dev --extra spark

# dbt-bouncer pins an older duckdb, so it lives in a venv of its own and only reads target/.
bouncer: $(UV)
	@UV_PROJECT_ENVIRONMENT=$(CURDIR)/.venv-bouncer $(UV_SYNC) --project envs/bouncer

# DuckDB 1.x clients (Python duckdb 1.2, the duckdb CLI 1.5) for the test that opens the serving
# file as BI tools do; .venv holds DuckDB 2.0.
duckdb1: $(UV)
	@UV_PROJECT_ENVIRONMENT=$(CURDIR)/.venv-duckdb1 $(UV_SYNC) --project envs/duckdb1

# After editing a pin (pyproject.toml, envs/bouncer/pyproject.toml, UV_VERSION): re-resolve the
# locks; versions not concerned by the edit stay as locked (`uv lock --upgrade` to move them).
lock: $(UV)
	$(UV) lock
	$(UV) lock --project envs/bouncer
	$(UV) lock --project envs/duckdb1
	echo 'uv==$(UV_VERSION)' | $(UV) pip compile - --quiet --universal --generate-hashes \
	  --no-annotate --custom-compile-command 'make lock' -o envs/uv.txt

# dagster-dbt needs target/manifest.json before the definitions load.
manifest: setup
	@mkdir -p warehouse
	$(BIN)/dbt parse --quiet

# The Dagster run also writes warehouse/report/index.html and warehouse/exports/*.parquet.
run: manifest
	$(BIN)/python -m orchestration.run
	@$(MAKE) --no-print-directory docs-run

# dbt docs (lineage, every model and column) into warehouse/docs/: open static_index.html
# directly, or serve the folder (python -m http.server -d warehouse/docs) for index.html.
DOCS_DIR := warehouse/docs
docs: manifest
	@$(MAKE) --no-print-directory docs-run

docs-run:
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

lint: setup-dev bouncer manifest
	@$(MAKE) --no-print-directory lint-checks

pytest: setup-dev duckdb1 chromium manifest
	@$(MAKE) --no-print-directory pytest-run

# The *-checks/-run targets assume set-up and manifest are done. sqlfluff's dbt templater compiles
# into a target dir of its own, so it never rewrites the manifest the tests and Dagster read.
lint-checks:
	$(BIN)/ruff check customer_success orchestration tools tests
	$(BIN)/ruff format --check customer_success orchestration tools tests
	DBT_TARGET_PATH=target/sqlfluff $(BIN)/sqlfluff lint --processes 2 models tests/dbt
	.venv-bouncer/bin/dbt-bouncer run --config-file dbt-bouncer.yml

# Four workers, one test file each at a time (module fixtures build once), the longest files
# first (tests/conftest.py): on 2 cores the builds wait on disk, on Spark's per-statement latency
# and on the processes the fault tests start and stop, so four keep both cores busy. Exit code 5
# (nothing collected) is a failure.
pytest-run:
	$(BIN)/python -m pytest -n 4 --dist loadfile --durations=15 tests; rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "pytest collected no tests: failing"; exit 1; fi; exit $$rc

# Linters and tests side by side (2 cores); each one's output is printed whole when it finishes.
# The three venvs and chromium install side by side too.
test:
	@$(MAKE) --no-print-directory -j3 --output-sync=target setup-dev bouncer duckdb1 chromium
	@$(MAKE) --no-print-directory manifest
	@$(MAKE) --no-print-directory -j2 --output-sync=target lint-checks pytest-run

# Not part of `make test`: generates 10k/100k/1M customers (1M: ~100M+ raw rows, tens of GB of
# disk in warehouse/bench) and writes docs/benchmarks.md. BENCH_SIZES="10000 100000" for fewer.
BENCH_SIZES ?= 10000 100000 1000000
bench: manifest
	$(BIN)/python -m tools.bench --sizes $(BENCH_SIZES)

# The sample built on Spark in-process (docs/spark.md; needs Java 17+), the spark extra installed.
spark: export CS_DBT_TARGET := spark
spark: setup
	$(BIN)/dbt build

clean:
	rm -rf target logs warehouse/*.duckdb warehouse/dagster_home

# clean, and the four Python environments (the next target rebuilds them from the locks).
distclean: clean
	rm -rf $(VENV) .venv-bouncer .venv-duckdb1 $(UV_ENV)
