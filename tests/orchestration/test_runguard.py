"""The run lock and the bound child processes (orchestration/runguard.py), with real processes:
a second build is refused naming the first, waits for it when asked, takes over the lock of a
killed one; a bound child dies with its parent. No dbt build here."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import psutil
import pytest

from orchestration import runguard
from orchestration.settings import SettingError, Settings

PROJECT_DIR = Path(__file__).resolve().parents[2]

HOLDER = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from orchestration.runguard import acquire_run_lock, release_run_lock
    warehouse, seconds = Path(sys.argv[1]), float(sys.argv[2])
    acquire_run_lock(warehouse, "run-of-the-holder")
    print("HELD", flush=True)
    time.sleep(seconds)
    release_run_lock(warehouse)
    print("RELEASED", flush=True)
    time.sleep(600)
    """
)


def start_holder(warehouse: Path, seconds: float) -> subprocess.Popen:
    process = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(warehouse), str(seconds)],
        cwd=PROJECT_DIR,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout.readline().strip() == "HELD"
    return process


@pytest.fixture
def warehouse(tmp_path: Path):
    path = tmp_path / "wh.duckdb"
    yield path
    runguard.release_run_lock(path)


def test_a_second_build_is_refused_naming_the_running_one(warehouse):
    holder = start_holder(warehouse, 600)
    try:
        began = time.monotonic()
        with pytest.raises(runguard.RunLockBusy) as refused:
            runguard.acquire_run_lock(warehouse, "second")
        assert time.monotonic() - began < 5
        message = str(refused.value)
        assert f"by PID {holder.pid} (run run-of-the-holder)" in message
        assert re.search(r"a build started at \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC", message)
        assert "CS_RUN_LOCK_WAIT_SECONDS" in message
        assert not runguard.holds_run_lock(warehouse, "second")
    finally:
        holder.kill()
        holder.wait()


def test_a_second_build_told_to_wait_starts_when_the_first_releases(warehouse):
    holder = start_holder(warehouse, 2)
    try:
        began = time.monotonic()
        assert runguard.acquire_run_lock(warehouse, "second", wait_seconds=60) is None
        assert 1 < time.monotonic() - began < 30
        assert holder.stdout.readline().strip() == "RELEASED"
        assert runguard.holds_run_lock(warehouse, "second")
        assert runguard.read_holder(warehouse).pid == os.getpid()
    finally:
        holder.kill()
        holder.wait()


def test_the_lock_of_a_killed_build_is_taken_over(warehouse):
    holder = start_holder(warehouse, 600)
    holder.send_signal(signal.SIGKILL)
    holder.wait()
    note = runguard.acquire_run_lock(warehouse, "next")
    assert note is not None and f"PID {holder.pid}" in note and "no longer running" in note
    assert runguard.read_holder(warehouse).run_id == "next"


def test_within_one_process_the_next_run_takes_over_and_the_same_run_reenters(warehouse):
    assert runguard.acquire_run_lock(warehouse, "first") is None
    assert runguard.acquire_run_lock(warehouse, "first") is None  # a retried step
    assert runguard.acquire_run_lock(warehouse, "second") is None
    assert runguard.holds_run_lock(warehouse, "second")
    assert not runguard.holds_run_lock(warehouse, "first")
    runguard.release_run_lock(warehouse)
    assert not runguard.holds_run_lock(warehouse, "second")
    assert runguard.read_holder(warehouse) is None  # released: the file names nobody


PARENT = textwrap.dedent(
    """
    import subprocess, sys
    child = subprocess.Popen([sys.argv[1], "600"])
    print(child.pid, flush=True)
    child.wait()
    """
)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux's")
def test_a_bound_child_dies_with_its_killed_parent(tmp_path):
    sleep = runguard.bound_executable(tmp_path / "quoted 'dir'", "/bin/sleep")
    parent = subprocess.Popen(
        [sys.executable, "-c", PARENT, str(sleep)], stdout=subprocess.PIPE, text=True
    )
    child = psutil.Process(int(parent.stdout.readline()))
    deadline = time.monotonic() + 30
    while child.name() != "sleep":  # the script has replaced itself by the executable
        assert time.monotonic() < deadline
        time.sleep(0.05)
    assert child.is_running()
    parent.send_signal(signal.SIGKILL)  # kill -9 of the parent only, not its group
    parent.wait()
    gone, alive = psutil.wait_procs([child], timeout=5)
    assert not alive, "the child outlived its parent by 5 s"


@pytest.mark.parametrize("value", ["-1", "soon", "nan", "inf"])
def test_the_lock_wait_setting_is_validated(monkeypatch, value):
    monkeypatch.setenv("CS_RUN_LOCK_WAIT_SECONDS", value)
    with pytest.raises(SettingError, match="CS_RUN_LOCK_WAIT_SECONDS"):
        Settings.from_env()


def test_no_test_names_a_path_of_the_machine():
    literal = re.compile(r"""["'](/(?:work|home|root|tmp|Users|opt|srv)/[^"']*)["']""")
    found = [
        f"{path.relative_to(PROJECT_DIR)}: {match}"
        for path in sorted((PROJECT_DIR / "tests").rglob("*.py"))
        for match in literal.findall(path.read_text(encoding="utf-8"))
    ]
    assert found == []
