"""Jobs and the daily schedule.

- `build_all`: the whole graph (dbt build, every check, publish, report, exports): the main job,
  run daily by the schedule `daily_build_all`.
- `build_<group>` for each group of dbt models (staging, intermediate, audit, marts, semantic):
  partial runs for development and repair. They never publish: only `build_all` contains the
  publish step.

Retries are the dbt step's own (assets.py), the same under `make run` and the daemon.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import dagster as dg
from dagster._utils.schedules import is_valid_cron_string

from orchestration.publish import PUBLISH_GROUP
from orchestration.settings import SettingError, Settings
from orchestration.translator import RAW_GROUP

MAIN_JOB = "build_all"
SCHEDULE_NAME = "daily_build_all"


def validate_schedule(cron: str, timezone: str) -> None:
    if not is_valid_cron_string(cron):
        raise SettingError(f"CS_SCHEDULE_CRON is not a valid cron expression: {cron!r}")
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError) as err:
        raise SettingError(f"CS_SCHEDULE_TIMEZONE is not a known time zone: {timezone!r}") from err


def build_jobs(groups: Iterable[str]) -> list[dg.UnresolvedAssetJobDefinition]:
    jobs = [
        dg.define_asset_job(
            name=MAIN_JOB,
            # all_asset_checks: also the checks on the raw tables, which are not executable
            selection=dg.AssetSelection.all() | dg.AssetSelection.all_asset_checks(),
            description="The whole graph: dbt build, dbt tests and GX checks, then publish.",
        )
    ]
    for group in sorted(set(groups) - {RAW_GROUP, PUBLISH_GROUP}):
        jobs.append(
            dg.define_asset_job(
                name=f"build_{group}",
                selection=dg.AssetSelection.groups(group),
                description=f"Only the {group} models and their checks (never publishes).",
            )
        )
    return jobs


def build_schedules(
    jobs: Sequence[dg.UnresolvedAssetJobDefinition], settings: Settings
) -> list[dg.ScheduleDefinition]:
    validate_schedule(settings.schedule_cron, settings.schedule_timezone)
    main = next(job for job in jobs if job.name == MAIN_JOB)
    return [
        dg.ScheduleDefinition(
            name=SCHEDULE_NAME,
            job=main,
            cron_schedule=settings.schedule_cron,
            execution_timezone=settings.schedule_timezone,
            description=(
                f"Builds and publishes everything at {settings.schedule_cron} "
                f"({settings.schedule_timezone})."
            ),
            default_status=dg.DefaultScheduleStatus.RUNNING
            if settings.schedule_running
            else dg.DefaultScheduleStatus.STOPPED,
        )
    ]
