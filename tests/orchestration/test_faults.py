"""Fault injection: `python -m orchestration.run` killed with `kill -9` (the run's PID only, as an
operator or the OOM killer does) at each stage, two builds at once, then builds that must go green
without any manual cleanup.

One workspace and one Dagster home (SQLite, as `make run` keeps it) for the module, built in order
as the days of one deployment:

1. a good build A (the baseline);
2. builds killed in staging, in the marts, in the GX checks and in the publish (held at the
   serving file's lock): each leaves the serving file, the exports and the build record of A;
3. a build stopped by SIGTERM while dbt runs: it ends within seconds, stops dbt, publishes nothing;
4. build B, with the exports held: a build X started while B runs dbt is refused at once naming
   B; a build C started with CS_RUN_LOCK_WAIT_SECONDS waits for B. B publishes, is killed in the
   exports (serving and record are B's, the exports still A's), and C then builds and publishes.

After every kill: no process of the killed build left within 5 s.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import signal
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import dagster as dg
import psutil
import pytest

from orchestration.publish import PUBLISH_KEY
from orchestration.serving import TEMP_SUFFIX
from tests.orchestration.harness import Workspace, make_workspace, start_build_process

STAGES = {
    "staging": "OK created sql table model staging.",
    "marts": "OK created sql table model marts.",
    "checks": " - gx_quality - GX suites",
}


@pytest.fixture(scope="module")
def deployment(tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    return make_workspace(tmp_path_factory.mktemp("faults"), customers=20)


def run_log(workspace: Workspace, process: subprocess.Popen) -> str:
    logs = sorted((workspace.root / "logs").glob(f"run-*-{process.pid}.log"))
    return logs[-1].read_text(errors="replace") if logs else ""


def wait_for(workspace: Workspace, process: subprocess.Popen, marker: str) -> None:
    deadline = time.monotonic() + 900
    while marker not in run_log(workspace, process):
        assert process.poll() is None, f"ended before {marker!r}:\n" + tail(workspace, process)
        assert time.monotonic() < deadline, f"never got to {marker!r}"
        time.sleep(0.1)


def console(workspace: Workspace, process: subprocess.Popen) -> str:
    """What the build printed (its summary)."""
    return (workspace.root / "home" / f"{process.pid}.out").read_text(errors="replace")


def tail(workspace: Workspace, process: subprocess.Popen) -> str:
    return console(workspace, process)[-2000:] + run_log(workspace, process)[-3000:]


def start(workspace: Workspace, **env: str) -> subprocess.Popen:
    process = start_build_process(workspace, workspace.root / "home", "starting.out", **env)
    (workspace.root / "home" / "starting.out").rename(
        workspace.root / "home" / f"{process.pid}.out"
    )
    return process


def kill_9(process: subprocess.Popen) -> None:
    """SIGKILL the build's own PID; then every process it had started must be gone in 5 s."""
    children = psutil.Process(process.pid).children(recursive=True)
    os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=30)
    _, alive = psutil.wait_procs(children, timeout=5)
    assert not alive, f"processes of the killed build still running: {alive}"


def finish(workspace: Workspace, process: subprocess.Popen, timeout: float = 1200) -> str:
    process.wait(timeout=timeout)
    assert process.returncode == 0, tail(workspace, process)
    return console(workspace, process)


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def published(workspace: Workspace) -> dict[str, str]:
    """What readers see: the serving file and every export, by content."""
    exports = workspace.root / "exports"
    state = {"serving": digest(workspace.serving)}
    state.update({p.name: digest(p) for p in sorted(exports.glob("*.parquet"))})
    return state


def records(workspace: Workspace) -> list[str]:
    """Run ids of the builds recorded as published, oldest first."""
    instance = dg.DagsterInstance.from_config(str(workspace.root / "home"))
    try:
        found = instance.fetch_materializations(PUBLISH_KEY, limit=100, ascending=True)
        return [record.run_id for record in found.records]
    finally:
        instance.dispose()


def run_id_of(log: str) -> str:
    return log.split(" - build_all - ", 1)[1].split(" - ", 1)[0]


@contextmanager
def holding(lock_file: Path) -> Iterator[None]:
    """Hold a publish-side advisory lock, so the build waits inside that step."""
    with lock_file.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@pytest.fixture(scope="module")
def good_build(deployment: Workspace) -> dict:
    process = start(deployment)
    finish(deployment, process)
    return {"state": published(deployment), "run": run_id_of(run_log(deployment, process))}


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
