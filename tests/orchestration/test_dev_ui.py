"""The Dagster UI of the README (`python -m orchestration.dev`): it opens the instance `make run`
records into, shows its last materialisation and the project's assets, shows no community pop-up,
prints no warning, and a plain `kill <pid>` stops it and everything it started."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import dagster as dg
import pytest
import yaml

from orchestration.dev import DEFAULT_DAGSTER_HOME, dagster_home, prepare_home
from orchestration.publish import PUBLISH_KEY
from tests.dbt_runner import PROJECT_DIR, isolated_env


def test_the_default_instance_is_the_one_make_run_writes():
    makefile = (PROJECT_DIR / "Makefile").read_text(encoding="utf-8")
    (made,) = re.findall(r"^export DAGSTER_HOME \?= \$\(CURDIR\)/(\S+)$", makefile, re.M)
    assert Path(made) == DEFAULT_DAGSTER_HOME
    assert dagster_home({}, PROJECT_DIR) == PROJECT_DIR / made
    elsewhere = PROJECT_DIR.parent / "dagster_elsewhere"
    assert dagster_home({"DAGSTER_HOME": str(elsewhere)}, PROJECT_DIR) == elsewhere


def test_prepare_home_adds_the_project_settings_and_keeps_the_instance_own(tmp_path):
    fresh = yaml.safe_load(prepare_home(tmp_path / "fresh").read_text())
    assert fresh == {"telemetry": {"enabled": False}, "nux": {"enabled": False}}
    older = tmp_path / "older"
    older.mkdir()
    (older / "dagster.yaml").write_text("telemetry:\n  enabled: true\nretention: {}")
    prepare_home(older)
    assert yaml.safe_load((older / "dagster.yaml").read_text()) == {
        "telemetry": {"enabled": True},
        "retention": {},
        "nux": {"enabled": False},
    }


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def graphql(port: int, query: str) -> dict:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/graphql",
        data=json.dumps({"query": query}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.load(response)["data"]


LOCATION = "{ workspaceOrError { ... on Workspace { locationEntries { locationOrLoadError { __typename } } } } }"  # noqa: E501
ASSETS = """{
  shouldShowNux
  assetNodes { assetKey { path } }
  assetOrError(assetKey: {path: ["serving_warehouse"]}) {
    ... on Asset { assetMaterializations(limit: 1) { runId metadataEntries { label } } }
  }
}"""


def wait_for_code_location(port: int, process: subprocess.Popen, deadline: float) -> None:
    while time.monotonic() < deadline:
        assert process.poll() is None, "dagster dev exited while starting"
        try:
            entries = graphql(port, LOCATION)["workspaceOrError"]["locationEntries"]
            kinds = {entry["locationOrLoadError"]["__typename"] for entry in entries if entry}
            assert "PythonError" not in kinds, entries
            if kinds == {"RepositoryLocation"}:
                return
        except OSError:
            pass
        time.sleep(2)
    pytest.fail("the Dagster UI did not load the definitions in time")


def test_the_ui_shows_the_recorded_build_without_pop_up_or_warning_and_stops_on_kill(tmp_path):
    home = tmp_path / "dagster_home"
    prepare_home(home)
    with dg.DagsterInstance.from_config(str(home)) as instance:
        instance.report_runless_asset_event(
            dg.AssetMaterialization(asset_key=PUBLISH_KEY, metadata={"as_of_date": "2025-06-30"})
        )
    env = isolated_env(
        tmp_path,
        None,
        CS_WAREHOUSE_PATH=str(tmp_path / "customer_success.duckdb"),
        DBT_TARGET_PATH=str(PROJECT_DIR / "target"),  # the manifest of `make manifest`
        DAGSTER_HOME=str(home),
    )
    port = free_port()
    log = tmp_path / "dev.log"
    with log.open("w") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "orchestration.dev", "--port", str(port)],
            cwd=tmp_path,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        wait_for_code_location(port, process, time.monotonic() + 240)
        data = graphql(port, ASSETS)
        assert data["shouldShowNux"] is False
        keys = {"/".join(node["assetKey"]["path"]) for node in data["assetNodes"]}
        assert {"serving_warehouse", "marts/mart_nps", "customer_success_report"} <= keys
        (materialization,) = data["assetOrError"]["assetMaterializations"]
        assert [entry["label"] for entry in materialization["metadataEntries"]] == ["as_of_date"]
    finally:
        os.kill(process.pid, signal.SIGTERM)  # what `kill <pid>` sends
        try:
            status = process.wait(timeout=90)
        finally:
            with_children = process_group_alive(process.pid)
            if with_children:
                os.killpg(process.pid, signal.SIGKILL)
    assert status == 0, log.read_text()
    assert not with_children, "dagster dev left processes behind"
    text = log.read_text()
    assert f"instance {home}" in text
    assert "Warning" not in text, text


def process_group_alive(group: int) -> bool:
    deadline = time.monotonic() + 20  # the webserver and daemon may take a moment to exit
    while time.monotonic() < deadline:
        try:
            os.killpg(group, 0)
        except ProcessLookupError:
            return False
        time.sleep(0.5)
    return True
