"""docs/adding-a-model.md runs as written: on a copy of the project with a small built warehouse,
every block that names a file (```sql file=<path>```) is written to that path and every ```bash
block is run, in the order of the guide, in one shell (its exports and `$!` carry over). While
the guide's Dagster UI runs, the UI is asked whether it shows the new assets in their groups with
their checks; the guide's `kill` must stop it. A broken snippet or command fails the test."""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
import yaml

from tests.dbt_runner import PROJECT_DIR, generate_data

GUIDE = PROJECT_DIR / "docs" / "adding-a-model.md"
FENCE = re.compile(r"^```(\w+)([^\n]*)\n(.*?)^```$", re.M | re.S)
GUIDE_PORT = "--port 3000"
NEW_ASSETS = {
    "intermediate/int_customer_months_plan_tier": "intermediate",
    "marts/mart_expansion_mrr_by_plan_tier": "marts",
}
MART_CHECKS = {"mart_expansion_mrr_by_plan_tier_grain", "assert_expansion_by_plan_tier_adds_up"}


def guide_blocks(text: str) -> list[tuple[str, str | None, str]]:
    """(language, file or None, body) of every fenced block, in order."""
    blocks = []
    for language, info, body in FENCE.findall(text):
        target = re.search(r"\bfile=(\S+)", info)
        blocks.append((language, target.group(1) if target else None, body))
    return blocks


def test_every_file_snippet_parses_and_lands_in_the_project():
    blocks = guide_blocks(GUIDE.read_text(encoding="utf-8"))
    files = [(language, path, body) for language, path, body in blocks if path]
    assert len(files) == 7 and len({path for _, path, _ in files}) == 7
    assert sum(language == "bash" for language, _, _ in blocks) >= 4
    for language, path, body in files:
        assert path.startswith(("models/", "tests/dbt/")) and not (PROJECT_DIR / path).exists()
        assert Path(path).suffix == {"sql": ".sql", "yaml": ".yml"}[language]
        if language == "yaml":
            assert yaml.safe_load(body)["version"] == 2, path


def scratch_copy(destination: Path) -> Path:
    """The project's files (tracked or new, not ignored) with its environments linked in."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=PROJECT_DIR,
        capture_output=True,
        check=True,
    ).stdout.decode()
    for name in filter(None, listed.split("\0")):
        source = PROJECT_DIR / name
        if source.is_file():
            (destination / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, destination / name)
    for environment in (".venv", ".venv-bouncer"):
        (destination / environment).symlink_to(PROJECT_DIR / environment)
    return destination


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# Run by the guide's shell while its UI is up: exits non-zero unless the UI shows the new assets.
UI_PROBE = """
import json, sys, time, urllib.request
port, expected_groups, expected_checks = sys.argv[1], json.loads(sys.argv[2]), set(sys.argv[3:])
query = '''{ assetNodes { assetKey { path } groupName
  assetChecksOrError { ... on AssetChecks { checks { name } } } } }'''

def ask():
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/graphql", data=json.dumps({"query": query}).encode(),
        headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.load(response)["data"]["assetNodes"]

deadline, nodes = time.monotonic() + 300, None
while time.monotonic() < deadline:
    try:
        nodes = {"/".join(n["assetKey"]["path"]): n for n in ask()}
        if nodes:
            break
    except OSError:
        pass
    time.sleep(2)
if not nodes:
    sys.exit("the guide's Dagster UI did not answer")
for key, group in expected_groups.items():
    if key not in nodes or nodes[key]["groupName"] != group:
        sys.exit(f"the UI does not show {key} in group {group}")
checks = {c["name"] for c in nodes["marts/mart_expansion_mrr_by_plan_tier"]["assetChecksOrError"]["checks"]}
if not expected_checks <= checks:
    sys.exit(f"the mart's checks are {sorted(checks)}, expected {sorted(expected_checks)}")
print("UI shows the new assets and their checks")
"""  # noqa: E501


def guide_script(text: str, port: int, probe: Path) -> str:
    """One bash script: the guide's files as here-documents, its commands, the UI probe."""
    lines = ["set -euo pipefail"]
    for language, path, body in guide_blocks(text):
        if path:
            assert "GUIDE_SNIPPET_END" not in body
            lines += [f"mkdir -p {Path(path).parent}", f"cat > {path} <<'GUIDE_SNIPPET_END'"]
            lines += [body.rstrip("\n"), "GUIDE_SNIPPET_END"]
        elif language == "bash":
            lines.append(body.replace(GUIDE_PORT, f"--port {port}"))
            if "orchestration.dev" in body:
                groups = json.dumps(NEW_ASSETS)
                lines.append(f"{sys.executable} {probe} {port} '{groups}' {' '.join(MART_CHECKS)}")
    return "\n".join(lines) + "\n"


def port_closed(port: int, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/server_info", timeout=5)
        except OSError:
            return True
        time.sleep(1)
    return False


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    """A copy of the project whose warehouse was built once (the guide starts after `make run`)."""
    root = tmp_path_factory.mktemp("guide")
    copy = scratch_copy(root / "project")
    raw = generate_data(root / "raw", customers=30, seed=5)
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("CS_", "DBT_", "DAGSTER_", "VIRTUAL_ENV"))
    }
    env.update(CS_RAW_DATA_DIR=str(raw), CS_PROJECT_DIR=str(copy), DBT_PROFILES_DIR=str(copy))
    built = subprocess.run(
        [str(copy / ".venv/bin/dbt"), "run", "--quiet"],
        cwd=copy,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert built.returncode == 0, built.stdout + built.stderr
    return copy, env


def test_the_guide_runs_as_written(project, tmp_path):
    copy, env = project
    port = free_port()
    probe = tmp_path / "ui_probe.py"
    probe.write_text(UI_PROBE, encoding="utf-8")
    script = tmp_path / "guide.sh"
    script.write_text(guide_script(GUIDE.read_text(encoding="utf-8"), port, probe))
    process = subprocess.Popen(
        ["bash", str(script)],
        cwd=copy,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        output, _ = process.communicate(timeout=1500)
    finally:
        stopped = port_closed(port, 90)  # the guide's `kill $dev_pid` stops the UI
        with_leftovers = process.poll() is None or not stopped
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
    assert process.returncode == 0, output[-8000:]
    assert not with_leftovers, "the guide's kill did not stop the Dagster UI"
    assert "UI shows the new assets and their checks" in output
    assert "All checks passed!" in output  # dbt-bouncer
    assert re.search(r"tier_expansion_mrr", output) and "plan_tier" in output
    shown = re.search(r"Previewing node 'mart_expansion_mrr_by_plan_tier'", output)
    assert shown, output[-4000:]
    # the guide's dbt build ran the singular test, attached to the new mart, and it passed
    assert re.search(r"PASS assert_expansion_by_plan_tier_adds_up", output), output[-4000:]
