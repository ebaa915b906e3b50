"""Settings of the orchestration, read from the environment (see docs/orchestration.md).

Everything is resolved when it is needed, not at import, so a test or a long-lived `dagster dev`
process sees the environment it runs in. Relative paths are relative to the project directory,
exactly as dbt resolves them (dbt runs with the project directory as its working directory).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
DEFAULT_PROJECT_DIR = PACKAGE_DIR.parent

DEFAULT_WAREHOUSE_PATH = "warehouse/customer_success.duckdb"
DEFAULT_SERVING_PATH = "warehouse/customer_success_serving.duckdb"
DEFAULT_SCHEDULE_CRON = "0 5 * * *"
DEFAULT_SCHEDULE_TIMEZONE = "UTC"

_DATE_PATTERN = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class SettingError(ValueError):
    """A setting (environment variable or run config) has an unusable value."""


def validate_as_of_date(value: str | None, source: str = "as_of_date") -> str | None:
    """Return ``value`` stripped if it is a real calendar date ``YYYY-MM-DD``; None if empty."""
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


def _env_float(name: str, default: float, minimum: float = 0.0) -> float:
    raw = _env(name)
    if raw is None:
        return default
    try:
        value = float(raw)
    except ValueError as err:
        raise SettingError(f"{name} must be a number, got {raw!r}") from err
    if value < minimum:
        raise SettingError(f"{name} must be >= {minimum}, got {raw!r}")
    return value


def _env_int(name: str, default: int, minimum: int = 0) -> int:
    raw = _env(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError as err:
        raise SettingError(f"{name} must be a whole number, got {raw!r}") from err
    if value < minimum:
        raise SettingError(f"{name} must be >= {minimum}, got {raw!r}")
    return value


def project_dir() -> Path:
    """The dbt project (= repository) root: env CS_PROJECT_DIR, else the package's parent."""
    raw = _env("CS_PROJECT_DIR")
    return Path(raw).resolve() if raw else DEFAULT_PROJECT_DIR


def _resolve(path: str) -> Path:
    candidate = Path(path).expanduser()
    return candidate if candidate.is_absolute() else project_dir() / candidate


@dataclass(frozen=True)
class QualitySettings:
    """Thresholds of the raw-data suites (volume and freshness)."""

    volume_max_drop: float
    volume_max_growth: float
    freshness_min_lag_days: int
    freshness_gap_factor: float
    freshness_window_days: int


@dataclass(frozen=True)
class Settings:
    project_dir: Path
    warehouse_path: Path
    serving_path: Path
    data_docs_dir: Path
    raw_data_dir: Path
    as_of_date: str | None
    dbt_target: str
    dbt_target_path: Path
    schedule_cron: str
    schedule_timezone: str
    schedule_running: bool
    run_max_retries: int
    retry_wait_seconds: float
    quality: QualitySettings

    @classmethod
    def from_env(cls) -> Settings:
        root = project_dir()
        warehouse = _resolve(_env("CS_WAREHOUSE_PATH") or DEFAULT_WAREHOUSE_PATH)
        serving = _resolve(_env("CS_SERVING_PATH") or DEFAULT_SERVING_PATH)
        if warehouse == serving:
            raise SettingError(
                f"CS_SERVING_PATH must differ from CS_WAREHOUSE_PATH (both are {warehouse})"
            )
        docs = _env("CS_DATA_DOCS_DIR")
        target_path = _env("DBT_TARGET_PATH") or "target"
        return cls(
            project_dir=root,
            warehouse_path=warehouse,
            serving_path=serving,
            data_docs_dir=_resolve(docs) if docs else warehouse.parent / "data_docs",
            raw_data_dir=_resolve(_env("CS_RAW_DATA_DIR") or "seeds"),
            as_of_date=validate_as_of_date(_env("CS_AS_OF_DATE"), "CS_AS_OF_DATE"),
            dbt_target=_env("CS_DBT_TARGET") or "duckdb",
            dbt_target_path=_resolve(target_path),
            schedule_cron=_env("CS_SCHEDULE_CRON") or DEFAULT_SCHEDULE_CRON,
            schedule_timezone=_env("CS_SCHEDULE_TIMEZONE") or DEFAULT_SCHEDULE_TIMEZONE,
            schedule_running=(_env("CS_SCHEDULE_RUNNING") or "false").lower()
            in ("1", "true", "yes"),
            run_max_retries=_env_int("CS_RUN_MAX_RETRIES", 2),
            retry_wait_seconds=_env_float("CS_RUN_RETRY_WAIT_SECONDS", 20.0),
            quality=QualitySettings(
                volume_max_drop=_env_float("CS_VOLUME_MAX_DROP", 0.5),
                volume_max_growth=_env_float("CS_VOLUME_MAX_GROWTH", 1.0),
                freshness_min_lag_days=_env_int("CS_FRESHNESS_MIN_LAG_DAYS", 3),
                freshness_gap_factor=_env_float("CS_FRESHNESS_GAP_FACTOR", 3.0),
                freshness_window_days=_env_int("CS_FRESHNESS_WINDOW_DAYS", 90, minimum=1),
            ),
        )
