"""Fault injection: `python -m orchestration.run` killed with `kill -9` (the run's PID only, as an
operator or the OOM killer does) at each stage, stopped by SIGTERM, two builds at once, then
builds that must go green without any manual cleanup.

In order, on one workspace (tests/orchestration/faults.py):

1. a good build A (the baseline);
2. builds killed in staging, in the marts, in the GX checks and in the publish (held at the
   serving file's lock): each leaves the serving file, the exports and the build record of A;
3. a build stopped by SIGTERM while dbt runs: it ends within seconds, stops dbt, publishes nothing;
4. build B, with the exports held: a build X started while B runs dbt is refused at once naming
   B; a build C started with CS_RUN_LOCK_WAIT_SECONDS waits for B. B publishes, is killed in the
   exports (serving and record are B's, the exports still A's), and C then builds and publishes.
"""

from __future__ import annotations

import signal
import time

import psutil
import pytest

from customer_success.serving import TEMP_SUFFIX, file_lock
from tests.orchestration.faults import (
    STAGES,
    console,
    digest,
    finish,
    kill_9,
    published,
    records,
    run_id_of,
    run_log,
    start,
    wait_for,
)


@pytest.mark.parametrize("stage", [*STAGES, "publish"])
def test_a_build_killed_at_a_stage_leaves_the_last_good_publish(deployment, good_build, stage):
    serving = deployment.serving
    if stage == "publish":
        with file_lock(serving):  # the publish waits for it
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


def test_concurrent_builds_and_a_kill_in_the_exports_then_green(deployment, good_build):
    root = deployment.root
    with file_lock(root / "exports"):  # the exports wait for it
        first = start(deployment)
        wait_for(deployment, first, STAGES["staging"])
        holder = f"by PID {first.pid} (run "
        # a second build while the first runs dbt: refused at once, naming the first
        began = time.monotonic()
        second = start(deployment)
        second.wait(timeout=600)
        refused = console(deployment, second) + run_log(deployment, second)
        assert second.returncode == 1 and holder in refused, refused[-3000:]
        assert first.poll() is None and time.monotonic() - began < 300
        # a third, told to wait, starts after the first
        waiting = start(deployment, CS_RUN_LOCK_WAIT_SECONDS="1800")
        wait_for(deployment, first, " - mart_exports - Exporting ")
        time.sleep(1)  # now waiting for the exports' lock
        first_published = published(deployment)["serving"]
        kill_9(first)
    first_run = run_id_of(run_log(deployment, first))
    assert digest(deployment.serving) == first_published != good_build["state"]["serving"]
    exports = {k: v for k, v in published(deployment).items() if k != "serving"}
    assert exports == {k: v for k, v in good_build["state"].items() if k != "serving"}
    assert records(deployment) == [good_build["run"], first_run]
    assert "Running dbt command" not in refused

    output = finish(deployment, waiting)
    log = run_log(deployment, waiting)
    # the first build released the run lock when its publish ended (the exports run outside it),
    # so the waiting build took a free lock, not a dead holder's
    assert "took over the run lock" not in log
    assert records(deployment) == [good_build["run"], first_run, run_id_of(log)]
    assert "Published to" in output and len(output.splitlines()) < 60  # one screen
    leftovers = sorted(p.name for p in root.glob(".*") if p.name.endswith(TEMP_SUFFIX))
    assert leftovers == []
    assert len([p for p in root.glob(".exports.*") if p.is_dir()]) <= 2  # this set, the last
    assert [p.name for p in (root / "target").glob("dbt_build-*")] == []
    assert len(list((root / "target").glob("build-*"))) == 1
