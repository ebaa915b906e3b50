"""The whole graph through Dagster on small generated data.

One workspace for the module (own raw data, warehouse, dbt target; never the repository's
warehouse/) and one Dagster instance, built in order as the days of one deployment: a first build
with one out-of-range survey score, a second build while another process reads the serving file, a
build with too many bad rows and a build whose raw volume fell (a failing GX check); builds killed
at each stage are in test_faults.py. The warehouse and the record of the last publish carry over
between them.
"""

from __future__ import annotations

import csv
import json
import re
import shutil
import subprocess
import sys
import textwrap
from dataclasses import replace

import dagster as dg
import duckdb
import pytest

from customer_success.report.history import restatements
from customer_success.serving import TEMP_SUFFIX, serving_layer
from orchestration.publish import PUBLISH_KEY, last_publish
from orchestration.settings import Settings
from tests.orchestration.harness import (
    Workspace,
    environment,
    query,
    run_build_all,
    set_scores,
    sha256,
    step_failures,
)
from tests.orchestration.webhook import Webhook, evaluate_alert_sensor, read_log


@pytest.fixture(scope="module")
def instance() -> dg.DagsterInstance:
    return dg.DagsterInstance.ephemeral()


@pytest.fixture(scope="module")
def first_build(
    workspace: Workspace, instance: dg.DagsterInstance
) -> tuple[dg.ExecuteInProcessResult, dg.Definitions]:
    return run_build_all(workspace, instance)


def executable_keys(defs: dg.Definitions) -> set[dg.AssetKey]:
    graph = defs.resolve_asset_graph()
    return {key for key in graph.get_all_asset_keys() if graph.get(key).is_executable}


def materialised(result: dg.ExecuteInProcessResult) -> set[dg.AssetKey]:
    return {
        event.asset_key
        for event in result.all_events
        if event.event_type_value == "ASSET_MATERIALIZATION"
    }


def raw_freshness(result: dg.ExecuteInProcessResult) -> dict[str, object]:
    """The Dagster freshness check of each raw table, by table."""
    return {
        event.event_specific_data.asset_key.path[-1]: event.event_specific_data
        for event in result.all_events
        if event.event_type_value == "ASSET_CHECK_EVALUATION"
        and event.event_specific_data.check_name == "freshness"
    }


def check_evaluations(result: dg.ExecuteInProcessResult) -> dict[str, object]:
    return {
        event.event_specific_data.check_name: event.event_specific_data
        for event in result.all_events
        if event.event_type_value == "ASSET_CHECK_EVALUATION"
    }


def publish_metadata(result: dg.ExecuteInProcessResult) -> dict[str, object]:
    (materialization,) = [
        event.event_specific_data.materialization
        for event in result.all_events
        if event.event_type_value == "ASSET_MATERIALIZATION" and event.asset_key == PUBLISH_KEY
    ]
    return {key: value.value for key, value in materialization.metadata.items()}


def test_whole_graph_materialises_checks_pass_and_publishes(first_build, workspace):
    result, defs = first_build
    assert result.success, step_failures(result)
    assert materialised(result) == executable_keys(defs)

    evaluations = check_evaluations(result)
    graph = defs.resolve_asset_graph()
    assert set(evaluations) == {key.name for key in graph.asset_check_keys}
    # the generated data ends in 2025: every raw table is stale against the wall clock (a warning)
    stale = raw_freshness(result)
    assert stale and all(not e.passed and e.severity.value == "WARN" for e in stale.values())
    assert all(e.metadata["lag_days"].value > 300 for e in stale.values())
    evaluations.pop("freshness")
    assert [name for name, e in evaluations.items() if not e.passed] == []
    assert {name for name in evaluations if name.startswith("gx_")} == {
        "gx_raw_volume",
        "gx_raw_freshness",
        "gx_headline_drift",
    }
    assert "no previous published build" in str(evaluations["gx_raw_volume"].metadata["notes"])

    record = publish_metadata(result)  # the build record is the publish's metadata
    assert record["run_id"] == result.run_id and record["as_of_date"]
    assert record["checks"] == len(evaluations)
    assert record["raw_rows"]["survey_responses"]["quarantined"] == 1
    with environment(workspace.env):
        settings = Settings.from_env()
    assert str(record["serving_path"]) == str(settings.serving_path)
    served = {f"{r.schema}.{r.name}" for r in serving_layer(_models(workspace))}
    assert set(record["row_counts"]) == served
    tables = query(workspace.serving, "select schema_name || '.' || table_name from duckdb_tables")
    assert {name for (name,) in tables} == served
    assert (workspace.root / "data_docs" / "index.html").exists()
    assert not list(workspace.serving.parent.glob(f".{workspace.serving.name}.*{TEMP_SUFFIX}"))
    report = (workspace.root / "report" / "index.html").read_text()
    assert result.run_id in report  # the report's build line is the publish's record
    exports = workspace.root / "exports"
    assert {p.stem for p in exports.glob("*.parquet")} == {
        name.split(".")[1] for name in served if name.startswith("marts.")
    }


def _models(workspace: Workspace) -> dict:
    from customer_success.manifest import model_nodes
    from orchestration.project import build_dbt_project, load_manifest

    with environment(workspace.env):
        return model_nodes(load_manifest(build_dbt_project(Settings.from_env())))


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
    assert publish_metadata(result)["rows_quarantined"] == 1


READER = textwrap.dedent(
    """
    import sys, threading, time, duckdb
    path = sys.argv[1]
    sql = (
        "select rows_quarantined from audit.row_reconciliation "
        "where source_table = 'survey_responses'"
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


def demote_first_nps_promoter(raw_dir) -> None:
    """Set the score of the first NPS answer of 9 or 10 to 0 (a promoter becomes a detractor)."""
    path = raw_dir / "survey_responses.csv"
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        fields, rows = reader.fieldnames or [], list(reader)
    row = next(r for r in rows if r["survey_type"] == "nps" and r["score"] in ("9", "10"))
    row["score"] = "0"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields)
        writer.writeheader()
        writer.writerows(rows)


@pytest.fixture(scope="module")
def second_build(first_build, workspace, instance):
    """The next day while a process reads the serving file: the bad score was corrected."""
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
        corrected = workspace.root / "raw_corrected"
        shutil.copytree(workspace.root / "raw", corrected)
        set_scores(corrected, "4", every=1, limit=1)
        demote_first_nps_promoter(corrected)  # a late correction of a published month's NPS
        second, _ = run_build_all(workspace, instance, CS_RAW_DATA_DIR=str(corrected))
        out, _ = reader.communicate("stop\n", timeout=60)
    finally:
        if reader.poll() is None:
            reader.kill()
    return second, old, out


def test_reader_holding_the_serving_file_does_not_block_publishing(second_build, first_build):
    second, old, out = second_build
    assert second.success, step_failures(second)
    assert old == ["OLD", "1"]
    lines = {line.split()[0]: line.split() for line in out.splitlines()}
    assert "ERROR" not in lines, out
    still, new = lines["STILL"], lines["NEW"]
    assert still[1] == "1" and int(still[2]) > 0 and still[3] == "0"
    assert new[1] == "0"


def test_the_next_build_compares_with_the_last_publish(second_build, first_build):
    second, _, _ = second_build
    first, _ = first_build
    evaluations = check_evaluations(second)
    volume, drift = evaluations["gx_raw_volume"], evaluations["gx_headline_drift"]
    assert volume.passed and first.run_id in str(volume.metadata["notes"])
    assert drift.passed and "compared with the published file" in str(drift.metadata["notes"])


def test_quarantine_over_the_share_fails_the_run_and_keeps_the_serving_file(
    second_build, workspace, instance
):
    before = sha256(workspace.serving)
    bad = workspace.root / "raw_bad"
    shutil.copytree(workspace.root / "raw", bad)
    set_scores(bad, "42", every=5)  # 20% of the survey responses
    # the whole job; its dbt step leaves out the layers the failing audit model does not need
    result, _ = run_build_all(
        workspace,
        instance,
        dbt_config={"exclude": "intermediate marts semantic"},
        CS_RAW_DATA_DIR=str(bad),
    )
    assert not result.success
    failures = step_failures(result)
    assert "max_quarantine_share" in failures["dbt_build"]
    assert "survey_responses" in failures["dbt_build"]
    assert PUBLISH_KEY not in materialised(result)
    assert sha256(workspace.serving) == before


def keep_every_fifth_pair(path) -> None:
    """Keep 40% of the rows of a raw file (rows 0 and 1 of every 5)."""
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows([rows[0], *(r for i, r in enumerate(rows[1:]) if i % 5 < 2)])


@pytest.fixture(scope="module")
def shrunk_build(second_build, workspace, instance):
    """A build whose raw volume fell: a failing GX check blocks its publish."""
    before = sha256(workspace.serving)
    shrunk = workspace.root / "raw_shrunk"
    shutil.copytree(workspace.root / "raw_corrected", shrunk)
    keep_every_fifth_pair(shrunk / "product_usage.csv")  # nothing references usage rows
    result, _ = run_build_all(workspace, instance, CS_RAW_DATA_DIR=str(shrunk))
    built = query(workspace.warehouse, "select distinct build_id from audit.published_figures")
    return result, before, {build_id for (build_id,) in built}


def test_a_failing_gx_check_blocks_publishing_and_is_never_a_baseline(
    second_build, shrunk_build, workspace, instance
):
    second, _, _ = second_build
    result, before, _ = shrunk_build
    assert not result.success
    volume = check_evaluations(result)["gx_raw_volume"]
    assert not volume.passed and volume.severity == dg.AssetCheckSeverity.ERROR
    assert "1 error expectation(s) failed" in volume.description
    assert "'min_value': -0.5" in str(volume.metadata["failures"])
    assert PUBLISH_KEY not in materialised(result)  # Dagster skipped it: a blocking check failed
    assert sha256(workspace.serving) == before
    with environment(workspace.env):
        baseline = last_publish(instance, Settings.from_env().serving_path)
    assert baseline is not None and baseline.run_id == second.run_id


def test_each_publish_appends_its_headline_figures_and_the_restatements_show(
    first_build, second_build, shrunk_build, workspace
):
    """The second build corrected an NPS answer already published: the NPS of its month was
    restated. The blocked build's figures never reach the published history."""
    first, _ = first_build
    second, _, _ = second_build
    blocked, _, built = shrunk_build
    history = "select build_id, count(*) from audit.published_figures group by build_id"
    published = dict(query(workspace.serving, history))
    assert set(published) == {first.run_id, second.run_id}
    assert published[first.run_id] == published[second.run_id] > 0
    assert built == {first.run_id, second.run_id, blocked.run_id}  # built, not published
    marts = query(workspace.serving, "select distinct mart from audit.published_figures")
    assert {mart for (mart,) in marts} == {
        "mart_revenue_retention",
        "mart_logo_churn",
        "mart_nps",
        "mart_support_kpis",
    }

    connection = duckdb.connect(str(workspace.serving), read_only=True)
    try:
        restated = restatements(connection)
    finally:
        connection.close()
    assert restated and {row["mart"] for row in restated} == {"mart_nps"}
    assert {(row["previous_build_id"], row["build_id"]) for row in restated} == {
        (first.run_id, second.run_id)
    }
    # the demoted promoter: one promoter fewer, one detractor more, a lower NPS, same responses
    by_figure = {}
    for row in restated:
        by_figure.setdefault(row["figure"], []).append(row)
    assert [row["change"] for row in by_figure["promoters"]] == [-1]
    assert [row["change"] for row in by_figure["detractors"]] == [1]
    assert by_figure["nps"][0]["change"] < 0 and "responses" not in by_figure
    assert by_figure["nps"][0]["month"] == by_figure["promoters"][0]["month"]
    # the report of the second publish lists the same restatements
    page = (workspace.root / "report" / "index.html").read_text(encoding="utf-8")
    data = json.loads(re.search(r'id="report-data">(.*?)</script>', page, re.S).group(1))
    assert [(row["figure"], row["change"]) for row in data["restatements"]] == [
        (row["figure"], row["change"]) for row in restated
    ]


def test_the_blocked_build_posts_its_failed_check_to_the_webhook(
    shrunk_build, workspace, instance, tmp_path
):
    blocked, _, _ = shrunk_build
    with environment(workspace.env):
        settings = Settings.from_env()
    with Webhook() as webhook:
        alerts = replace(settings.alerts, webhook_url=webhook.url, log_path=tmp_path / "a.jsonl")
        evaluate_alert_sensor(
            instance, instance.get_run_by_id(blocked.run_id), replace(settings, alerts=alerts)
        )
    (body,) = webhook.bodies
    assert body["kind"] == "publish_blocked" and body["run_id"] == blocked.run_id
    assert body["job"] == "build_all"
    (check,) = body["failed_checks"]
    assert (check["asset"], check["check"]) == ("audit/row_reconciliation", "gx_raw_volume")
    assert "1 error expectation(s) failed" in check["message"]
    assert read_log(tmp_path / "a.jsonl")[0]["delivery"].startswith("posted to 127.0.0.1")
