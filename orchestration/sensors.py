"""New raw data starts a build: the sensor `raw_data_sensor` watches CS_RAW_DATA_DIR.

The state of the folder is the name, size and modification time of every file in it (hidden
files and a loader's `*.tmp` / `*.part` files left out), hashed. The sensor launches `build_all`
when that state differs from the one the last launched build saw, has stayed the same for one
interval (a loader still copying would otherwise start a build on half a file), and no run of
this project's jobs is in progress (a build would lock the warehouse against it); otherwise it
waits for the next tick. The first tick only records the state: data that was there before the
sensor was turned on is the schedule's.

Its cursor (JSON: `built`, the state the last launched build saw; `seen`, the state of the last
tick) is Dagster's sensor cursor, stored in the instance, so it survives restarts of the daemon.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from pathlib import Path

import dagster as dg

from orchestration.settings import Settings

SENSOR_NAME = "raw_data_sensor"
IGNORED_SUFFIXES = (".tmp", ".part", ".partial", ".crdownload")
TRIGGER_TAG = "customer_success/trigger"


def folder_state(raw_dir: Path) -> str:
    """A hash of the name, size and modification time of every file of ``raw_dir``."""
    entries = []
    for path in sorted(raw_dir.iterdir()):
        if path.name.startswith(".") or path.name.endswith(IGNORED_SUFFIXES) or not path.is_file():
            continue
        stat = path.stat()
        entries.append([path.name, stat.st_size, stat.st_mtime_ns])
    return hashlib.sha256(json.dumps(entries).encode("utf-8")).hexdigest()[:32]


IN_PROGRESS = [
    dg.DagsterRunStatus.QUEUED,
    dg.DagsterRunStatus.NOT_STARTED,
    dg.DagsterRunStatus.STARTING,
    dg.DagsterRunStatus.STARTED,
    dg.DagsterRunStatus.CANCELING,
]


def runs_in_progress(instance: dg.DagsterInstance, job_names: Iterable[str]) -> list[str]:
    """Ids of the runs of ``job_names`` queued or running in ``instance``."""
    names = set(job_names)
    runs = instance.get_runs(filters=dg.RunsFilter(statuses=IN_PROGRESS))
    return [run.run_id for run in runs if run.job_name in names]


def build_raw_data_sensor(
    job: dg.UnresolvedAssetJobDefinition, watched_jobs: Iterable[str], settings: Settings
) -> dg.SensorDefinition:
    """The sensor launching ``job`` on new raw data; it waits while a run of ``watched_jobs``
    is in progress."""
    watched = sorted(set(watched_jobs) | {job.name})

    @dg.sensor(
        name=SENSOR_NAME,
        job=job,
        minimum_interval_seconds=settings.raw_sensor.interval_seconds,
        default_status=dg.DefaultSensorStatus.RUNNING
        if settings.raw_sensor.running
        else dg.DefaultSensorStatus.STOPPED,
        description=(
            f"Launches {job.name} when the files of CS_RAW_DATA_DIR changed and stayed unchanged "
            "for one interval, and no build is running."
        ),
    )
    def raw_data_sensor(
        context: dg.SensorEvaluationContext, settings: dg.ResourceParam[Settings]
    ) -> dg.SensorResult:
        raw_dir = settings.raw_data_dir
        if not raw_dir.is_dir():
            return dg.SensorResult(skip_reason=f"CS_RAW_DATA_DIR {raw_dir} is not a directory")
        state = folder_state(raw_dir)
        cursor = json.loads(context.cursor) if context.cursor else None
        if cursor is None:
            return _skip(f"first look at {raw_dir}: state recorded", built=state, seen=state)
        if state == cursor["built"]:
            return _skip(f"no change in {raw_dir}", **{**cursor, "seen": state})
        if state != cursor["seen"]:
            return _skip(
                f"{raw_dir} changed; waiting one interval for the files to settle",
                built=cursor["built"],
                seen=state,
            )
        running = runs_in_progress(context.instance, watched)
        if running:
            return _skip(f"new raw data, but run {running[0]} is in progress", **cursor)
        return dg.SensorResult(
            run_requests=[dg.RunRequest(run_key=f"raw-{state}", tags={TRIGGER_TAG: SENSOR_NAME})],
            cursor=json.dumps({"built": state, "seen": state}),
        )

    return raw_data_sensor


def _skip(reason: str, built: str, seen: str) -> dg.SensorResult:
    return dg.SensorResult(skip_reason=reason, cursor=json.dumps({"built": built, "seen": seen}))
