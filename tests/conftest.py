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
