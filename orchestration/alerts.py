"""Failures reach a person: one run-failure sensor, `alert_on_run_failure`.

Every failed run of this code location becomes one alert: a JSON message with the run id, the
job, each failed step with its innermost error, each failed error-severity check with its
description, and a link to the run in the web UI (CS_DAGSTER_URL). A `build_all` run in which a
blocking check failed did not publish (Dagster skipped `serving_warehouse`): its alert is a
"publish blocked" alert; any other failure is "run failed".

The message is Slack-compatible (a `text` field; the structured fields beside it are ignored by
Slack and read by anything else) and is posted to CS_ALERT_WEBHOOK_URL when one is set, then
appended as one JSON line to the alert log (CS_ALERT_LOG_PATH), with the outcome of the post
(customer_success/notify.py). A post that fails never fails the sensor: the log line says why.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

import dagster as dg

from customer_success.notify import append_log, post_json
from orchestration.publish import PUBLISH_KEY
from orchestration.schedules import MAIN_JOB
from orchestration.settings import AlertSettings, Settings

SENSOR_NAME = "alert_on_run_failure"
PUBLISH_BLOCKED = "publish_blocked"
RUN_FAILED = "run_failed"
MAX_MESSAGE_CHARS = 2000  # per failed step or check: a dbt error can run to pages
MAX_ITEMS = 20
_ANSI_ESCAPE = re.compile(r"\x1b\[[0-9;]*m")
_MODULE_PATH = re.compile(r"^(?:[a-z_]\w*\.)+(?=[A-Z]\w*: )")  # dagster._core....Failure: x


def innermost_message(error: Any) -> str:
    """The message of the innermost cause of a Dagster error (the dbt or check error itself)."""
    while error.cause is not None:
        error = error.cause
    message = _ANSI_ESCAPE.sub("", error.message or "").strip()
    return _shorten(_MODULE_PATH.sub("", message))


def _shorten(text: str) -> str:
    return text if len(text) <= MAX_MESSAGE_CHARS else text[: MAX_MESSAGE_CHARS - 1] + "…"


def failed_steps(events: Iterable[dg.DagsterEvent]) -> list[dict[str, str]]:
    return [
        {
            "step": event.step_key or "",
            "message": innermost_message(event.event_specific_data.error),
        }
        for event in events
        if event.event_type_value == "STEP_FAILURE"
    ]


def failed_checks(instance: dg.DagsterInstance, run_id: str) -> list[dict[str, str]]:
    """Every check of the run that failed with ERROR severity (the blocking ones)."""
    failed = []
    for entry in instance.all_logs(run_id, of_type=dg.DagsterEventType.ASSET_CHECK_EVALUATION):
        evaluation = entry.dagster_event.event_specific_data
        if evaluation.passed or evaluation.severity != dg.AssetCheckSeverity.ERROR:
            continue
        failed.append(
            {
                "asset": evaluation.asset_key.to_user_string(),
                "check": evaluation.check_name,
                "severity": evaluation.severity.value,
                "message": _shorten(evaluation.description or ""),
            }
        )
    return failed


def published(instance: dg.DagsterInstance, run_id: str) -> bool:
    return any(
        entry.dagster_event.asset_key == PUBLISH_KEY
        for entry in instance.all_logs(run_id, of_type=dg.DagsterEventType.ASSET_MATERIALIZATION)
    )


def build_alert(
    instance: dg.DagsterInstance,
    run: dg.DagsterRun,
    step_events: Iterable[dg.DagsterEvent],
    dagster_url: str,
) -> dict[str, Any]:
    """The alert for a failed run: Slack's `text` plus the structured fields."""
    steps = failed_steps(step_events)
    checks = failed_checks(instance, run.run_id)
    blocked = run.job_name == MAIN_JOB and bool(checks) and not published(instance, run.run_id)
    kind = PUBLISH_BLOCKED if blocked else RUN_FAILED
    run_url = f"{dagster_url}/runs/{run.run_id}"
    headline = (
        f"customer_success: publish blocked, {len(checks)} blocking check(s) failed; "
        "the serving file was not replaced"
        if blocked
        else f"customer_success: run of {run.job_name} failed"
    )
    lines = [f"{headline} (run {run.run_id}, job {run.job_name}): <{run_url}|open the run>"]
    lines += [f"- check {c['asset']}:{c['check']}: {c['message']}" for c in checks[:MAX_ITEMS]]
    lines += [f"- step {s['step']}: {s['message'].splitlines()[0]}" for s in steps[:MAX_ITEMS]]
    return {
        "text": "\n".join(lines),
        "kind": kind,
        "run_id": run.run_id,
        "job": run.job_name,
        "run_url": run_url,
        "failed_steps": steps[:MAX_ITEMS],
        "failed_checks": checks[:MAX_ITEMS],
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }


def send_alert(alert: dict[str, Any], settings: AlertSettings) -> str:
    """Post ``alert`` to the webhook if one is set, then append it with the outcome to the
    alert log. Returns the outcome."""
    if settings.webhook_url:
        outcome = post_json(settings.webhook_url, alert)
    else:
        outcome = "logged only: CS_ALERT_WEBHOOK_URL is not set"
    append_log(settings.log_path, {**alert, "delivery": outcome})
    return outcome


@dg.run_failure_sensor(
    name=SENSOR_NAME,
    description=(
        "Sends every failed run (failed steps, failed blocking checks: 'publish blocked') to "
        "CS_ALERT_WEBHOOK_URL and the alert log."
    ),
    default_status=dg.DefaultSensorStatus.RUNNING,
)
def alert_on_run_failure(
    context: dg.RunFailureSensorContext, settings: dg.ResourceParam[Settings]
) -> None:
    alert = build_alert(
        context.instance,
        context.dagster_run,
        context.get_step_failure_events(),
        settings.alerts.dagster_url,
    )
    outcome = send_alert(alert, settings.alerts)
    log = context.log.warning if outcome.startswith("not delivered") else context.log.info
    log(f"alert {alert['kind']} for run {alert['run_id']}: {outcome}")
