"""The tests' client of `mf`: one long-lived MetricFlow CLI process per test session
(tests/serving/mf_server.py) on the small warehouse of conftest.py."""

from __future__ import annotations

import csv
import itertools
import json
import math
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from filelock import FileLock

from tests.dbt_runner import PROJECT_DIR

MF = Path(sys.executable).with_name("mf")


@dataclass(frozen=True)
class MfRun:
    returncode: int
    stdout: str


class MetricFlow:
    """Runs `mf` commands on ``env``'s warehouse through one process (`run`, `query`), each
    while holding ``warehouse_lock``."""

    def __init__(self, env: dict[str, str], scratch: Path, warehouse_lock: FileLock) -> None:
        manifest = PROJECT_DIR / "target" / "semantic_manifest.json"
        assert manifest.exists(), f"{manifest} is missing: run `make manifest` (dbt parse) first"
        self.scratch = scratch
        self._warehouse_lock = warehouse_lock
        self._files = itertools.count()
        self._log = (scratch / "mf_server.log").open("w")
        self._process = subprocess.Popen(
            [sys.executable, "-m", "tests.serving.mf_server"],
            cwd=PROJECT_DIR,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._log,
            text=True,
        )

    def run(self, *args: str) -> MfRun:
        """`mf <args>`: its exit code and output."""
        assert self._process.stdin is not None and self._process.stdout is not None
        with self._warehouse_lock:
            self._process.stdin.write(json.dumps(list(args)) + "\n")
            self._process.stdin.flush()
            reply = self._process.stdout.readline()
        assert reply, f"the mf process ended: see {self._log.name}"
        answer = json.loads(reply)
        return MfRun(answer["exit_code"], answer["output"])

    def query(self, metrics: list[str], group_by: list[str], *options: str) -> list[dict]:
        """`mf query --metrics ... --group-by ... --csv <file>`: the rows of the file."""
        out = self.scratch / f"mf_query_{next(self._files)}.csv"
        done = self.run(
            "query", "--metrics", ",".join(metrics), "--group-by", ",".join(group_by),
            *options, "--csv", str(out),
        )  # fmt: skip
        assert done.returncode == 0, done.stdout
        with out.open(newline="") as handle:
            return list(csv.DictReader(handle))

    def close(self) -> None:
        assert self._process.stdin is not None
        self._process.stdin.close()
        try:
            self._process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
        self._log.close()


def number(text: str | None) -> float | None:
    return None if text in (None, "", "None", "nan") else float(text)


def same(actual: float | None, expected: float | None) -> bool:
    if expected is None or actual is None:
        return actual is None and expected is None
    return math.isclose(actual, float(expected), rel_tol=1e-9, abs_tol=1e-9)
