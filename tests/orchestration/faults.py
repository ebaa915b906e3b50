"""Helpers of the fault-injection tests (test_faults.py).

A fault-injection module has one workspace and one Dagster home (SQLite, as `make run` keeps it)
and a good first build as its baseline (the fixtures `deployment` and `good_build` of
conftest.py); its tests then start `python -m orchestration.run` processes and kill them, stop
them or run them side by side. After every kill: no process of the killed build left within 5 s.
"""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import time
from pathlib import Path

import dagster as dg
import psutil

from orchestration.publish import PUBLISH_KEY
from tests.orchestration.harness import Workspace, start_build_process

STAGES = {
    "staging": "OK created sql table model staging.",
    "marts": "OK created sql table model marts.",
    "checks": " - gx_quality - GX suites",
}


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
