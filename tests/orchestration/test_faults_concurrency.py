"""Fault injection: builds side by side, one killed in its exports, then a green build without
any manual cleanup.

In order, on one workspace (tests/orchestration/faults.py): a good build A (the baseline); then
build B, with the exports held: a build X started while B runs dbt is refused at once naming B; a
build C started with CS_RUN_LOCK_WAIT_SECONDS waits for B. B publishes, is killed in the exports
(serving and record are B's, the exports still A's), and C then builds and publishes.
"""

from __future__ import annotations

import time

from orchestration.serving import TEMP_SUFFIX
from tests.orchestration.faults import (
    STAGES,
    console,
    digest,
    finish,
    holding,
    kill_9,
    published,
    records,
    run_id_of,
    run_log,
    start,
    wait_for,
)


def test_concurrent_builds_and_a_kill_in_the_exports_then_green(deployment, good_build):
    root = deployment.root
    with holding(root / ".exports.lock"):
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
