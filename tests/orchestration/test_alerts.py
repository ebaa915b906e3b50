"""Failure alerts and the raw-data sensor, on tiny Dagster jobs and a local webhook (fast)."""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

import dagster as dg
import pytest

from orchestration.alerts import (
    PUBLISH_BLOCKED,
    RUN_FAILED,
    send_alert,
)
from orchestration.publish import PUBLISH_ASSET_NAME
from orchestration.schedules import MAIN_JOB
from orchestration.sensors import build_raw_data_sensor
from orchestration.settings import AlertSettings, SettingError, Settings, validate_http_url
from tests.orchestration.webhook import Webhook, evaluate_alert_sensor, read_log


@pytest.fixture
def settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    for name in list(os.environ):
        if name.startswith("CS_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("CS_WAREHOUSE_PATH", str(tmp_path / "warehouse.duckdb"))
    monkeypatch.setenv("CS_RAW_DATA_DIR", str(tmp_path / "raw"))
    (tmp_path / "raw").mkdir()
    return Settings.from_env()


# ------------------------------------------------------------------------------------------
# alerts
# ------------------------------------------------------------------------------------------


@dg.asset(name="row_reconciliation")
def checked_asset() -> None:
    pass


@dg.asset_check(asset=checked_asset, name="gx_raw_volume", blocking=True)
def failing_check() -> dg.AssetCheckResult:
    return dg.AssetCheckResult(
        passed=False,
        severity=dg.AssetCheckSeverity.ERROR,
        description="1 error expectation(s) failed (2/3 expectations met)",
    )


@dg.asset(name=PUBLISH_ASSET_NAME, deps=[checked_asset])
def publish() -> None:
    pass


@dg.op
def dbt_build() -> None:
    raise dg.Failure(description="Database Error in model mart_nps: division by zero")


@dg.job(name="build_marts")
def failing_job() -> None:
    dbt_build()


def failed_run(job: dg.JobDefinition, instance: dg.DagsterInstance) -> dg.DagsterRun:
    result = job.execute_in_process(instance=instance, raise_on_error=False)
    assert not result.success
    return instance.get_run_by_id(result.run_id)


def blocked_job() -> dg.JobDefinition:
    defs = dg.Definitions(
        assets=[checked_asset, publish],
        asset_checks=[failing_check],
        jobs=[dg.define_asset_job(MAIN_JOB, selection=dg.AssetSelection.all())],
    )
    return defs.resolve_job_def(MAIN_JOB)


def test_a_blocked_publish_posts_the_failed_checks_to_the_webhook_and_the_log(settings):
    instance = dg.DagsterInstance.ephemeral()
    run = failed_run(blocked_job(), instance)
    with Webhook() as webhook:
        alerts = replace(
            settings.alerts, webhook_url=webhook.url, dagster_url="https://dagster.example.org"
        )
        evaluate_alert_sensor(instance, run, replace(settings, alerts=alerts))
    (body,) = webhook.bodies
    assert body["kind"] == PUBLISH_BLOCKED
    assert (body["run_id"], body["job"]) == (run.run_id, MAIN_JOB)
    assert body["run_url"] == f"https://dagster.example.org/runs/{run.run_id}"
    assert body["failed_checks"] == [
        {
            "asset": "row_reconciliation",
            "check": "gx_raw_volume",
            "severity": "ERROR",
            "message": "1 error expectation(s) failed (2/3 expectations met)",
        }
    ]
    assert "publish blocked" in body["text"] and "gx_raw_volume" in body["text"]
    assert body["run_url"] in body["text"]
    (logged,) = read_log(settings.alerts.log_path)
    assert settings.alerts.log_path == settings.warehouse_path.parent / "logs" / "alerts.jsonl"
    assert logged["delivery"] == "posted to 127.0.0.1: HTTP 200"
    assert {key: logged[key] for key in body} == body
    assert "secret-token" not in settings.alerts.log_path.read_text()


def test_a_failed_step_without_a_webhook_is_logged_only(settings):
    instance = dg.DagsterInstance.ephemeral()
    run = failed_run(failing_job, instance)
    evaluate_alert_sensor(instance, run, settings)
    (logged,) = read_log(settings.alerts.log_path)
    assert logged["kind"] == RUN_FAILED and logged["job"] == "build_marts"
    assert logged["failed_checks"] == []
    assert logged["failed_steps"] == [
        {
            "step": "dbt_build",
            "message": "Failure: Database Error in model mart_nps: division by zero",
        }
    ]
    assert logged["delivery"] == "logged only: CS_ALERT_WEBHOOK_URL is not set"
    assert logged["run_url"] == f"http://127.0.0.1:3000/runs/{run.run_id}"


def test_a_webhook_that_refuses_or_is_down_is_logged_not_raised(tmp_path):
    alert = {"text": "x", "kind": RUN_FAILED}
    with Webhook(status=500) as webhook:
        refused = send_alert(alert, AlertSettings(tmp_path / "a.jsonl", webhook.url))
    assert refused == "not delivered to 127.0.0.1: HTTP 500"
    down = send_alert(alert, AlertSettings(tmp_path / "a.jsonl", webhook.url))
    assert down.startswith("not delivered to 127.0.0.1:")
    assert [r["delivery"] for r in read_log(tmp_path / "a.jsonl")] == [refused, down]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("hooks.slack.com/services/x", "must be an http:// or https:// URL with a host"),
        ("ftp://example.org/hook", "must be an http:// or https:// URL with a host"),
        ("https:///path-only", "must be an http:// or https:// URL with a host"),
        ("https://example.org/a b", "must not contain spaces"),
        ("https://example.org:http/hook", "malformed port"),
    ],
)
def test_a_bad_url_setting_is_refused_without_echoing_it(monkeypatch, value, message):
    monkeypatch.setenv("CS_ALERT_WEBHOOK_URL", value)
    with pytest.raises(SettingError, match=message) as raised:
        Settings.from_env()
    assert value not in str(raised.value)


def test_url_settings_are_optional_and_the_ui_link_loses_its_trailing_slash(monkeypatch):
    assert validate_http_url("  ", "CS_ALERT_WEBHOOK_URL") is None
    monkeypatch.setenv("CS_DAGSTER_URL", "https://dagster.example.org/")
    monkeypatch.delenv("CS_ALERT_WEBHOOK_URL", raising=False)
    alerts = Settings.from_env().alerts
    assert (alerts.webhook_url, alerts.dagster_url) == (None, "https://dagster.example.org")


# ------------------------------------------------------------------------------------------
# the raw-data sensor
# ------------------------------------------------------------------------------------------


@dg.asset
def anything() -> None:
    pass


MAIN = dg.define_asset_job(MAIN_JOB, selection=[anything])


def tick(
    sensor: dg.SensorDefinition,
    instance: dg.DagsterInstance,
    settings: Settings,
    cursor: str | None,
) -> tuple[list[dg.RunRequest], str | None, str | None]:
    """One evaluation, as the daemon makes it: the run requests, the new cursor, why skipped."""
    context = dg.build_sensor_context(
        instance=instance, cursor=cursor, resources={"settings": settings}
    )
    data = sensor.evaluate_tick(context)
    return list(data.run_requests or []), data.cursor, data.skip_message


def test_a_file_dropped_into_the_raw_folder_starts_one_build(settings):
    instance = dg.DagsterInstance.ephemeral()
    sensor = build_raw_data_sensor(MAIN, [MAIN_JOB, "build_marts"], settings)
    raw = settings.raw_data_dir
    (raw / "customers.csv").write_text("customer_id\n1\n")

    requests, cursor, skipped = tick(sensor, instance, settings, None)
    assert requests == [] and "state recorded" in skipped
    requests, cursor, skipped = tick(sensor, instance, settings, cursor)
    assert requests == [] and "no change" in skipped

    (raw / "tickets.csv").write_text("ticket_id\n1\n")  # the drop
    (raw / ".tickets.csv.swp").write_text("editor noise")  # ignored, as are *.tmp / *.part
    (raw / "invoices.csv.part").write_text("half a file")
    requests, cursor, skipped = tick(sensor, instance, settings, cursor)
    assert requests == [] and "waiting one interval" in skipped
    (raw / "invoices.csv.part").write_text("more of the file")
    requests, cursor, skipped = tick(sensor, instance, settings, cursor)
    (request,) = requests
    assert request.tags["customer_success/trigger"] == "raw_data_sensor"
    assert sensor.job_name == MAIN_JOB

    # the cursor is all the state: a restarted daemon evaluates with the stored cursor
    restarted = build_raw_data_sensor(MAIN, [MAIN_JOB], settings)
    requests, _, skipped = tick(restarted, instance, settings, cursor)
    assert requests == [] and "no change" in skipped


def test_new_data_waits_while_a_build_is_running(settings):
    instance = dg.DagsterInstance.ephemeral()
    sensor = build_raw_data_sensor(MAIN, [MAIN_JOB, "build_marts"], settings)
    _, cursor, _ = tick(sensor, instance, settings, None)
    (settings.raw_data_dir / "tickets.csv").write_text("ticket_id\n1\n")
    _, cursor, _ = tick(sensor, instance, settings, cursor)
    running = instance.add_run(
        dg.DagsterRun(job_name="build_marts", status=dg.DagsterRunStatus.STARTED)
    )
    requests, cursor, skipped = tick(sensor, instance, settings, cursor)
    assert requests == [] and running.run_id in skipped
    instance.report_run_failed(running)
    requests, _, _ = tick(sensor, instance, settings, cursor)
    assert len(requests) == 1


def test_a_missing_raw_folder_is_a_skip_that_says_so(settings):
    sensor = build_raw_data_sensor(MAIN, [MAIN_JOB], settings)
    settings.raw_data_dir.rmdir()
    requests, cursor, skipped = tick(sensor, dg.DagsterInstance.ephemeral(), settings, None)
    assert requests == [] and cursor is None and "is not a directory" in skipped
