"""Every setting of the orchestration, resolved once from the environment (docs/orchestration.md).

`Settings.from_env()` runs once when the Dagster definitions are built (`orchestration.definitions`,
`orchestration.run`), and the result is the `settings` resource every asset and check reads.
Relative paths are relative to the project directory, exactly as dbt resolves them (dbt runs with
the project directory as its working directory). A bad value is a `SettingError` naming it.
"""

from __future__ import annotations

import math
import os
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

from customer_success.quality import QualitySettings

DEFAULT_PROJECT_DIR = Path(__file__).resolve().parent.parent

_DATE_PATTERN = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_GIT_URL_PATTERN = re.compile(r"^https://[^\s/]*(github|gitlab)[^\s/]*/[^\s]+[^\s/]$")


class SettingError(ValueError):
    """A setting (environment variable or run config) has an unusable value."""


def validate_as_of_date(value: str | None, source: str) -> str | None:
    """``value`` stripped if it is a real calendar date ``YYYY-MM-DD``; None if empty."""
    if value is None or not value.strip():
        return None
    text = value.strip()
    if not _DATE_PATTERN.match(text):
        raise SettingError(f"{source} must be a date YYYY-MM-DD, got {value!r}")
    try:
        date.fromisoformat(text)
    except ValueError as err:
        raise SettingError(f"{source} is not a real calendar date: {value!r}") from err
    return text


def _env(name: str) -> str | None:
    value = os.environ.get(name, "").strip()
    return value or None


def _number(name: str, default: float, minimum: float, kind: type) -> float:
    raw = _env(name)
    if raw is None:
        return default
    try:
        value = kind(raw)
    except ValueError as err:
        expected = "a whole number" if kind is int else "a number"
        raise SettingError(f"{name} must be {expected}, got {raw!r}") from err
    if not math.isfinite(value) or value < minimum:
        raise SettingError(f"{name} must be >= {minimum}, got {raw!r}")
    return value


def _flag(name: str, default: bool) -> bool:
    raw = _env(name)
    if raw is None:
        return default
    if raw.lower() in ("1", "true", "yes"):
        return True
    if raw.lower() in ("0", "false", "no"):
        return False
    raise SettingError(f"{name} must be true or false, got {raw!r}")


def validate_http_url(value: str | None, source: str) -> str | None:
    """``value`` stripped if it is an absolute http(s) URL with a host; None if empty. The
    message never repeats the value: a webhook URL holds its secret token."""
    if value is None or not value.strip():
        return None
    text = value.strip()
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise SettingError(f"{source} must be an http:// or https:// URL with a host")
    if any(character.isspace() or ord(character) < 32 for character in text):
        raise SettingError(f"{source} must not contain spaces or control characters")
    try:
        parts.port  # noqa: B018 - raises on a malformed port
    except ValueError as err:
        raise SettingError(f"{source} has a malformed port") from err
    return text


@dataclass(frozen=True)
class AlertSettings:
    """Where failure alerts go (orchestration/alerts.py) and how runs are linked."""

    log_path: Path
    webhook_url: str | None = None  # None: alerts are only logged
    dagster_url: str = "http://127.0.0.1:3000"  # the web UI, for links to runs


@dataclass(frozen=True)
class SensorSettings:
    """The sensor watching CS_RAW_DATA_DIR (orchestration/sensors.py)."""

    running: bool = False
    interval_seconds: int = 60


@dataclass(frozen=True)
class Settings:
    project_dir: Path
    warehouse_path: Path
    serving_path: Path
    data_docs_dir: Path
    report_dir: Path
    exports_dir: Path
    logs_dir: Path
    raw_data_dir: Path
    as_of_date: str | None
    dbt_target: str | None
    dbt_target_path: Path
    schedule_cron: str
    schedule_timezone: str
    schedule_running: bool
    retry_max: int
    retry_wait_seconds: float
    run_lock_wait_seconds: float
    quality: QualitySettings
    alerts: AlertSettings
    raw_sensor: SensorSettings
    code_references_git_url: str | None = None
    code_references_git_branch: str = "main"

    @classmethod
    def from_env(cls) -> Settings:
        project = Path(_env("CS_PROJECT_DIR") or DEFAULT_PROJECT_DIR).resolve()

        def path(variable: str, default: str | Path) -> Path:
            candidate = Path(_env(variable) or default).expanduser()
            return candidate if candidate.is_absolute() else project / candidate

        warehouse = path("CS_WAREHOUSE_PATH", "warehouse/customer_success.duckdb")
        serving = path("CS_SERVING_PATH", "warehouse/customer_success_serving.duckdb")
        if warehouse == serving:
            raise SettingError(
                f"CS_SERVING_PATH must differ from CS_WAREHOUSE_PATH (both are {warehouse})"
            )
        return cls(
            project_dir=project,
            warehouse_path=warehouse,
            serving_path=serving,
            data_docs_dir=path("CS_DATA_DOCS_DIR", warehouse.parent / "data_docs"),
            report_dir=path("CS_REPORT_DIR", serving.parent / "report"),
            exports_dir=path("CS_EXPORTS_DIR", serving.parent / "exports"),
            logs_dir=path("CS_LOGS_DIR", warehouse.parent / "logs"),
            raw_data_dir=path("CS_RAW_DATA_DIR", "seeds"),
            as_of_date=validate_as_of_date(_env("CS_AS_OF_DATE"), "CS_AS_OF_DATE"),
            dbt_target=_env("CS_DBT_TARGET"),
            dbt_target_path=path("DBT_TARGET_PATH", "target"),
            schedule_cron=_env("CS_SCHEDULE_CRON") or "0 5 * * *",
            schedule_timezone=_env("CS_SCHEDULE_TIMEZONE") or "UTC",
            schedule_running=_flag("CS_SCHEDULE_RUNNING", False),
            retry_max=int(_number("CS_RUN_MAX_RETRIES", 2, 0, int)),
            retry_wait_seconds=_number("CS_RUN_RETRY_WAIT_SECONDS", 20.0, 0, float),
            run_lock_wait_seconds=_number("CS_RUN_LOCK_WAIT_SECONDS", 0.0, 0, float),
            quality=QualitySettings(
                volume_max_drop=_number("CS_VOLUME_MAX_DROP", 0.5, 0, float),
                volume_max_growth=_number("CS_VOLUME_MAX_GROWTH", 1.0, 0, float),
                freshness_min_lag_days=int(_number("CS_FRESHNESS_MIN_LAG_DAYS", 3, 0, int)),
                freshness_gap_factor=_number("CS_FRESHNESS_GAP_FACTOR", 3.0, 0, float),
                freshness_window_days=int(_number("CS_FRESHNESS_WINDOW_DAYS", 90, 1, int)),
                drift_max_change=_number("CS_DRIFT_MAX_CHANGE", 0.1, 0, float),
                publish_max_age_hours=_number("CS_FRESHNESS_PUBLISH_MAX_HOURS", 26.0, 1, float),
            ),
            alerts=AlertSettings(
                log_path=path("CS_ALERT_LOG_PATH", warehouse.parent / "logs" / "alerts.jsonl"),
                webhook_url=validate_http_url(_env("CS_ALERT_WEBHOOK_URL"), "CS_ALERT_WEBHOOK_URL"),
                dagster_url=(
                    validate_http_url(_env("CS_DAGSTER_URL"), "CS_DAGSTER_URL")
                    or AlertSettings.dagster_url
                ).rstrip("/"),
            ),
            raw_sensor=SensorSettings(
                running=_flag("CS_RAW_SENSOR_RUNNING", False),
                interval_seconds=int(_number("CS_RAW_SENSOR_INTERVAL_SECONDS", 60, 5, int)),
            ),
            code_references_git_url=_git_url(_env("CS_CODE_REFERENCES_GIT_URL")),
            code_references_git_branch=_env("CS_CODE_REFERENCES_GIT_BRANCH") or "main",
        )


def _git_url(value: str | None) -> str | None:
    """The repository web address code references link to: https, on GitHub or GitLab."""
    if value is not None and not _GIT_URL_PATTERN.match(value):
        raise SettingError(
            "CS_CODE_REFERENCES_GIT_URL must be the https address of a GitHub or GitLab "
            f"repository without a trailing slash, got {value!r}"
        )
    return value
