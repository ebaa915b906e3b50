"""The whole graph through Dagster on small generated data (issue 6).

One workspace for the module (own raw data, warehouse, dbt target; never the repository's
warehouse/), built in order: a first build with one out-of-range survey score, a second build
while another process reads the serving file, a build with too many bad rows, and a build killed
mid-run. The warehouse carries over between them, as it does from one day to the next.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time

import dagster as dg
import pytest

from orchestration.publish import PUBLISH_ASSET_NAME
from tests.orchestration.harness import (
    Workspace,
    query,
    run_build_all,
    set_scores,
    sha256,
    start_build_process,
    step_failures,
)


@pytest.fixture(scope="module")
def first_build(workspace: Workspace) -> tuple[dg.ExecuteInProcessResult, dg.Definitions]:
    return run_build_all(workspace)


def executable_keys(defs: dg.Definitions) -> set[dg.AssetKey]:
    graph = defs.resolve_asset_graph()
    return {key for key in graph.get_all_asset_keys() if graph.get(key).is_executable}


def check_evaluations(result: dg.ExecuteInProcessResult) -> list:
    return [
        event.event_specific_data
        for event in result.all_events
        if event.event_type_value == "ASSET_CHECK_EVALUATION"
    ]


def test_whole_graph_materialises_checks_pass_and_publishes(first_build, workspace):
    result, defs = first_build
    assert result.success, step_failures(result)

    materialised = {
        event.asset_key
        for event in result.all_events
        if event.event_type_value == "ASSET_MATERIALIZATION"
    }
    assert materialised == executable_keys(defs)

    evaluations = check_evaluations(result)
    planned = set(defs.resolve_asset_graph().asset_check_keys)
    assert {e.asset_check_key for e in evaluations} == planned
    assert [e.check_name for e in evaluations if not e.passed] == []
    gx = [e for e in evaluations if e.check_name.startswith("gx_")]
    assert {e.check_name for e in gx} >= {"gx_raw_volume", "gx_raw_freshness"}
    assert len(evaluations) > len(gx) > 2  # dbt tests ran as checks too

    assert workspace.serving.exists()
    (run_id, as_of, counts, passed, failed) = query(
        workspace.serving,
        "select run_id, as_of_date, mart_row_counts, checks_passed, checks_failed "
        "from audit.build_log",
    )[0]
    assert run_id == result.run_id
    assert as_of is not None
    assert passed == len(evaluations) and failed == 0
    assert '"int_' not in counts and "mart_" in counts
    assert (workspace.root / "data_docs" / "index.html").exists()
    assert not list(workspace.serving.parent.glob(f".{workspace.serving.name}.*.publishing"))


def test_out_of_range_score_is_quarantined_and_the_build_still_publishes(first_build, workspace):
    result, _ = first_build
    assert result.success
    (read, kept, quarantined) = query(
        workspace.serving,
        "select rows_read, rows_kept, rows_quarantined from audit.row_reconciliation "
        "where source_table = 'survey_responses'",
    )[0]
    assert quarantined == 1 and read == kept + 1
    reasons = query(
        workspace.serving,
        "select reason from audit.quarantined_rows where source_table = 'survey_responses'",
    )
    assert len(reasons) == 1 and "score" in reasons[0][0]
    assert query(workspace.serving, "select rows_quarantined from audit.build_log")[0][0] == 1


READER = textwrap.dedent(
    """
    import sys, threading, time, duckdb
    path = sys.argv[1]
    sql = (
        "select run_id, rows_quarantined from audit.build_log order by finished_at desc limit 1"
    )
    connection = duckdb.connect(path, read_only=True)
    print("OLD", *connection.execute(sql).fetchone(), flush=True)
    stop, counts = threading.Event(), {"ok": 0, "failed": 0}
    def keep_reading():
        cursor = connection.cursor()
        while not stop.is_set():
            try:
                cursor.execute("select count(*) from marts.mart_nps").fetchone()
                cursor.execute(sql).fetchone()
                counts["ok"] += 1
            except Exception as error:
                counts["failed"] += 1
                print("ERROR", error, flush=True)
            time.sleep(0.05)
    thread = threading.Thread(target=keep_reading)
    thread.start()
    sys.stdin.readline()
    stop.set(); thread.join()
    print("STILL", *connection.execute(sql).fetchone(), counts["ok"], counts["failed"], flush=True)
    connection.close()
    connection = duckdb.connect(path, read_only=True)
    print("NEW", *connection.execute(sql).fetchone(), flush=True)
    """
)


def test_reader_holding_the_serving_file_does_not_block_publishing(first_build, workspace):
    first, _ = first_build
    assert first.success
    reader = subprocess.Popen(
        [sys.executable, "-c", READER, str(workspace.serving)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        old = reader.stdout.readline().split()
        assert old[:2] == ["OLD", first.run_id]
        # the second day's data: the bad score was corrected, so nothing is quarantined any more
        corrected = workspace.root / "raw_corrected"
        shutil.copytree(workspace.root / "raw", corrected)
        set_scores(corrected, "4", every=1, limit=1)
        second, _ = run_build_all(
            workspace, workspace.root / "home_second", CS_RAW_DATA_DIR=str(corrected)
        )
        assert second.success, step_failures(second)
        out, _ = reader.communicate("stop\n", timeout=60)
    finally:
        if reader.poll() is None:
            reader.kill()
    lines = {line.split()[0]: line.split() for line in out.splitlines()}
    assert "ERROR" not in lines, out
    still, new = lines["STILL"], lines["NEW"]
    assert still[1:3] == [first.run_id, "1"] and int(still[3]) > 0 and still[4] == "0"
    assert new[1:3] == [second.run_id, "0"]

    volume = next(e for e in check_evaluations(second) if e.check_name == "gx_raw_volume")
    assert volume.passed and "compared with the published run" in str(volume.metadata["notes"])


def test_quarantine_over_the_share_fails_the_run_and_keeps_the_serving_file(workspace):
    assert workspace.serving.exists()
    before = sha256(workspace.serving)
    bad = workspace.root / "raw_bad"
    shutil.copytree(workspace.root / "raw", bad)
    set_scores(bad, "42", every=5)  # 20% of the survey responses
    # the whole job; its dbt step leaves out the layers the failing audit model does not need
    result, _ = run_build_all(
        workspace,
        workspace.root / "home_bad",
        dbt_config={"exclude": "intermediate marts semantic"},
        CS_RAW_DATA_DIR=str(bad),
    )
    assert not result.success
    failures = step_failures(result)
    assert "max_quarantine_share" in failures["dbt_build"]
    assert "survey_responses" in failures["dbt_build"]
    materialised = {
        event.asset_key.to_user_string()
        for event in result.all_events
        if event.event_type_value == "ASSET_MATERIALIZATION"
    }
    assert PUBLISH_ASSET_NAME not in materialised
    assert sha256(workspace.serving) == before


def test_killed_build_leaves_the_serving_file_byte_identical(workspace):
    assert workspace.serving.exists()
    before = sha256(workspace.serving)
    home = workspace.root / "home_killed"
    process = start_build_process(workspace, home)
    log = home / "run.log"
    try:
        deadline = time.monotonic() + 180
        while "OK created sql table model" not in log.read_text(errors="replace"):
            assert process.poll() is None, log.read_text(errors="replace")[-3000:]
            assert time.monotonic() < deadline, "the build never got to dbt"
            time.sleep(0.2)
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=30)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
    assert process.returncode == -signal.SIGKILL
    assert sha256(workspace.serving) == before
    assert query(workspace.serving, "select count(*) from audit.build_log")[0][0] >= 1
