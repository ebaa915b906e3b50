"""One build at a time per warehouse, and no child process outliving its build.

- **The run lock** (`acquire_run_lock`): an advisory `flock` on `.<warehouse name>.run-lock` beside
  the warehouse, taken by the dbt step before dbt starts and held until the publish is done (or
  the process ends). The file names the holder (PID, start time, run id) for the message of a
  second build. The kernel drops the lock when its process dies, however it dies, so a lock left
  by a killed build is simply taken over (the log says whose it was). Within one process a lock
  still held by an earlier run is taken over by the next run (a process runs one build at a time).
- **Bound children** (`bound_executable`): dbt is started through a small shell script that asks
  the kernel to kill it when the process that started it dies (Linux `PR_SET_PDEATHSIG`), so a
  `kill -9` of the build takes its dbt with it instead of leaving it writing the warehouse.
  Elsewhere the script runs dbt unchanged.

Standard library only: the script runs this file (`python runguard.py <ppid> <dbt> <args>`)
before dbt starts, so it must stay cheap to import.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import fcntl
import json
import os
import shlex
import signal
import socket
import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

PR_SET_PDEATHSIG = 1
POLL_SECONDS = 0.5


class RunLockBusy(RuntimeError):
    """Another live build holds the warehouse."""


@dataclass(frozen=True)
class Holder:
    pid: int
    started_at: str
    run_id: str = ""
    host: str = ""

    def describe(self) -> str:
        run = f" (run {self.run_id})" if self.run_id else ""
        return f"a build started at {self.started_at} by PID {self.pid}{run} on {self.host}"


# lock file path -> (descriptor, run id) for the locks this process holds
_HELD: dict[str, tuple[int, str]] = {}


def lock_path(warehouse: Path) -> Path:
    return warehouse.with_name(f".{warehouse.name}.run-lock")


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def read_holder(warehouse: Path) -> Holder | None:
    """The holder recorded in the lock file (it may be dead), if any."""
    try:
        data = json.loads(lock_path(warehouse).read_text(encoding="utf-8") or "{}")
        return Holder(
            int(data["pid"]), str(data["started_at"]), data.get("run_id", ""), data.get("host", "")
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None


def acquire_run_lock(warehouse: Path, run_id: str, wait_seconds: float = 0.0) -> str | None:
    """Hold the run lock of ``warehouse`` for ``run_id``; waits up to ``wait_seconds`` for a
    running build to finish, then raises RunLockBusy naming it. Returns a note when a lock left
    by a dead build was taken over."""
    path = lock_path(warehouse)
    key = str(path)
    held = _HELD.get(key)
    if held is not None:
        if held[1] == run_id:
            return None
        release_run_lock(warehouse)
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    deadline = time.monotonic() + wait_seconds
    while True:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
            break
        except OSError as err:
            if err.errno not in (errno.EAGAIN, errno.EACCES):
                os.close(descriptor)
                raise
            if time.monotonic() >= deadline:
                os.close(descriptor)
                holder = read_holder(warehouse)
                who = holder.describe() if holder else "another build"
                waited = f" (waited {wait_seconds:.0f} s)" if wait_seconds else ""
                raise RunLockBusy(
                    f"{who} is running on {warehouse}{waited}: one build at a time per "
                    "warehouse. Let it finish, or set CS_RUN_LOCK_WAIT_SECONDS to wait for it."
                ) from None
            time.sleep(POLL_SECONDS)
    previous = read_holder(warehouse)
    record = {
        "pid": os.getpid(),
        "started_at": datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S UTC"),
        "run_id": run_id,
        "host": socket.gethostname(),
    }
    os.ftruncate(descriptor, 0)
    os.pwrite(descriptor, json.dumps(record).encode(), 0)
    _HELD[key] = (descriptor, run_id)
    if previous is not None and previous.pid != os.getpid() and not pid_alive(previous.pid):
        return f"took over the run lock left by {previous.describe()} (no longer running)"
    return None


def holds_run_lock(warehouse: Path, run_id: str) -> bool:
    held = _HELD.get(str(lock_path(warehouse)))
    return held is not None and held[1] == run_id


def release_run_lock(warehouse: Path) -> None:
    """Release the run lock of ``warehouse`` if this process holds it."""
    held = _HELD.pop(str(lock_path(warehouse)), None)
    if held is not None:
        with contextlib.suppress(OSError):
            os.ftruncate(held[0], 0)
        os.close(held[0])  # closing the descriptor drops the flock


def bound_executable(directory: Path, executable: str) -> Path:
    """A script in ``directory`` that runs ``executable`` bound to its parent's life."""
    script = directory / f"{Path(executable).name}-bound"
    text = (
        "#!/bin/sh\n# Runs the executable below; the kernel kills it when its parent dies.\n"
        f"exec {shlex.quote(sys.executable)} {shlex.quote(str(Path(__file__).resolve()))} "
        f'"$PPID" {shlex.quote(executable)} "$@"\n'
    )
    directory.mkdir(parents=True, exist_ok=True)
    if not script.exists() or script.read_text() != text:
        temp = script.with_name(f".{script.name}.{os.getpid()}")
        temp.write_text(text)
        temp.chmod(0o755)
        os.replace(temp, script)
    return script


def exec_bound(parent: int, argv: list[str]) -> None:
    """Replace this process by ``argv``, to be killed when ``parent`` dies."""
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        if os.getppid() != parent:  # the parent died before the request took effect
            raise SystemExit(f"{argv[0]}: the process that started it has ended")
    os.execv(argv[0], argv)


if __name__ == "__main__":
    exec_bound(int(sys.argv[1]), sys.argv[2:])
