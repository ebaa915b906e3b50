"""Session-wide test set-up."""

from __future__ import annotations

import sys

import pytest
from xdist.remote import Producer
from xdist.scheduler import LoadFileScheduling
from xdist.scheduler.protocol import Scheduling
from xdist.workermanage import WorkerController

# pytest-xdist workers run with a `__main__` that has neither a spec nor a file. pyspark's
# `pyspark.sql.connect` (imported by great_expectations when pyspark is installed, i.e. with the
# spark extra) takes that for a doctest run and calls sys.exit(0) on import. Give the worker's main
# module a file name so importing GX behaves as it does under `python -m orchestration.run`.
_main = sys.modules["__main__"]
if getattr(_main, "__spec__", None) is None and not hasattr(_main, "__file__"):
    _main.__file__ = "<pytest-xdist worker>"

# The longest modules first, each measured in minutes (a dbt build, a Spark build, killed
# builds): pytest-xdist's `--dist loadfile` hands out whole files, the ones with the most tests
# first, so a long file with few tests would otherwise start after everything else and finish
# alone. The rest keep xdist's order.
SLOW_FIRST = (
    "tests/e2e/test_spark_parity.py",
    "tests/orchestration/test_pipeline.py",
    "tests/e2e/test_raw_ingestion.py",
    "tests/orchestration/test_faults.py",
    "tests/e2e/test_metrics_oracle.py",
    "tests/docs/test_adding_a_model.py",
    "tests/e2e/test_incremental.py",
    "tests/e2e/test_raw_faults.py",
    "tests/serving/test_semantic_layer.py",
)


class SlowFirstScheduling(LoadFileScheduling):
    """`--dist loadfile` that hands out the files of SLOW_FIRST before all others."""

    def _assign_work_unit(self, node: WorkerController) -> None:
        for scope in reversed(SLOW_FIRST):
            if scope in self.workqueue:
                self.workqueue.move_to_end(scope, last=False)
        super()._assign_work_unit(node)


def pytest_xdist_make_scheduler(config: pytest.Config, log: Producer) -> Scheduling | None:
    if config.getvalue("dist") == "loadfile":
        return SlowFirstScheduling(config, log)
    return None
