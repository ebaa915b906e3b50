"""Fault injection: `python -m orchestration.run` killed with `kill -9` (the run's PID only, as an
operator or the OOM killer does) at each stage, or stopped by SIGTERM.

In order, on one workspace (tests/orchestration/faults.py):

1. a good build A (the baseline);
2. builds killed in staging, in the marts, in the GX checks and in the publish (held at the
   serving file's lock): each leaves the serving file, the exports and the build record of A;
3. a build stopped by SIGTERM while dbt runs: it ends within seconds, stops dbt, publishes nothing.
"""

from __future__ import annotations

import signal
import time

import psutil
import pytest

from orchestration.serving import TEMP_SUFFIX
from tests.orchestration.faults import (
    STAGES,
    console,
    holding,
    kill_9,
    published,
    records,
    start,
    wait_for,
)


@pytest.mark.parametrize("stage", [*STAGES, "publish"])
def test_a_build_killed_at_a_stage_leaves_the_last_good_publish(deployment, good_build, stage):
    serving = deployment.serving
    if stage == "publish":
        with holding(serving.with_name(f".{serving.name}.lock")):
            process = start(deployment)
            wait_for(deployment, process, " - serving_warehouse - Publishing ")
            time.sleep(1)  # now waiting for the serving file's lock
            kill_9(process)
    else:
        process = start(deployment)
        wait_for(deployment, process, STAGES[stage])
        kill_9(process)
    assert published(deployment) == good_build["state"]
    assert records(deployment) == [good_build["run"]]
    assert not list(serving.parent.glob(f".{serving.name}.*{TEMP_SUFFIX}"))


def test_sigterm_stops_a_build_within_seconds_and_publishes_nothing(deployment, good_build):
    process = start(deployment)
    wait_for(deployment, process, STAGES["staging"])  # while dbt streams its events
    children = psutil.Process(process.pid).children(recursive=True)
    assert any("dbt" in " ".join(child.cmdline()) for child in children)
    began = time.monotonic()
    process.send_signal(signal.SIGTERM)
    process.wait(timeout=60)
    stopped = time.monotonic() - began
    _, alive = psutil.wait_procs(children, timeout=5)
    assert not alive
    # within seconds: dbt gets SIGINT at once, then SIGKILL after its 3 s grace period
    assert stopped < 15, f"took {stopped:.1f} s"
    assert process.returncode == 1
    assert "BUILD FAILED: nothing was published" in console(deployment, process)
    assert published(deployment) == good_build["state"]
    assert records(deployment) == [good_build["run"]]
