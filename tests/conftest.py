"""Session-wide test set-up."""

from __future__ import annotations

import sys

# pytest-xdist workers run with a `__main__` that has neither a spec nor a file. pyspark's
# `pyspark.sql.connect` (imported by great_expectations when pyspark is installed, i.e. with the
# spark extra) takes that for a doctest run and calls sys.exit(0) on import. Give the worker's main
# module a file name so importing GX behaves as it does under `python -m orchestration.run`.
_main = sys.modules["__main__"]
if getattr(_main, "__spec__", None) is None and not hasattr(_main, "__file__"):
    _main.__file__ = "<pytest-xdist worker>"

# The longest modules first: pytest-xdist (`--dist loadfile`) hands out whole files in collection
# order, so starting these at once keeps a long one from beginning after everything else.
SLOW_FIRST = (
    "tests/e2e/test_spark_parity.py",
    "tests/e2e/test_metrics_oracle.py",
    "tests/e2e/test_incremental.py",
    "tests/orchestration/test_pipeline.py",
    "tests/docs/test_adding_a_model.py",
)


def pytest_collection_modifyitems(items: list) -> None:
    def rank(item) -> int:
        path = item.nodeid.split("::", 1)[0]
        return SLOW_FIRST.index(path) if path in SLOW_FIRST else len(SLOW_FIRST)

    items.sort(key=rank)
