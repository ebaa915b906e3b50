"""Start `dagster dev` so that it can be stopped by PID, also from scripts and tests.

    .venv/bin/python -m orchestration.dev [--port 3000] &   # then: kill <pid>

A shell starts background jobs with SIGINT ignored, and `dagster dev` ignores SIGTERM: started
with `&` it cannot be stopped cleanly (its webserver, daemon and code server keep running). This
wrapper restores SIGINT for the child and turns SIGTERM (a plain `kill <pid>`) into SIGINT, on
which `dagster dev` shuts everything down; it exits with dagster's status.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path


def dagster_dev_command(host: str, port: int) -> list[str]:
    dagster = Path(sys.executable).with_name("dagster")
    return [
        str(dagster),
        "dev",
        "-m",
        "orchestration.definitions",
        "-h",
        host,
        "-p",
        str(port),
    ]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m orchestration.dev")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=3000)
    args = parser.parse_args(argv)

    signal.signal(signal.SIGINT, signal.SIG_DFL)  # inherited by the child: SIGINT works again
    child = subprocess.Popen(dagster_dev_command(args.host, args.port), env=os.environ.copy())

    def forward(signum: int, _frame: object) -> None:
        child.send_signal(signal.SIGINT)

    signal.signal(signal.SIGTERM, forward)
    signal.signal(signal.SIGINT, forward)
    while True:
        try:
            return child.wait()
        except KeyboardInterrupt:  # pragma: no cover - forwarded above
            continue


if __name__ == "__main__":
    sys.exit(main())
