"""`make run`: build the whole graph through Dagster, in this process, and say what happened.

    .venv/bin/python -m orchestration.run [--as-of-date YYYY-MM-DD]

Runs the job `build_all` (dbt build with its tests, the GX checks, publish, report, exports) with
the settings of the environment (docs/orchestration.md); `--as-of-date` sets CS_AS_OF_DATE for
this run. The run's own output (Dagster's and dbt's logs) goes to a log file under
Settings.logs_dir; the terminal gets one screen: what was built, the checks, the quarantine
summary (audit.row_reconciliation and the reasons in audit.quarantined_rows), where the outputs
are and the time of each step (also in `last_run.json` there). SIGTERM stops the run as Ctrl-C
does. Exit status 0 when the build was published, 1 when it failed, 2 when it could not start
(bad settings, no dbt manifest).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import signal
import sys
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path

import dagster as dg

from customer_success.quarantine import print_quarantine
from orchestration.alerts import failed_steps
from orchestration.assets import dbt_run_target
from orchestration.dev import dagster_home, prepare_home
from orchestration.factory import build_definitions
from orchestration.project import ManifestMissingError
from orchestration.publish import last_publish
from orchestration.runguard import release_run_lock
from orchestration.schedules import MAIN_JOB
from orchestration.settings import SettingError, Settings

KEEP_LOGS = 20


def dagster_instance(project_dir: Path) -> dg.DagsterInstance:
    """The instance of DAGSTER_HOME (prepared as `orchestration.dev` does), else a throw-away one:
    then no build is recorded for the next run's volume check."""
    if not os.environ.get("DAGSTER_HOME", "").strip():
        return dg.DagsterInstance.ephemeral()
    home = dagster_home(os.environ, project_dir)
    prepare_home(home)
    os.environ["DAGSTER_HOME"] = str(home)
    return dg.DagsterInstance.get()


def report(
    result: dg.ExecuteInProcessResult,
    defs: dg.Definitions,
    settings: Settings,
    instance: dg.DagsterInstance,
) -> None:
    graph = defs.resolve_asset_graph()
    built: Counter = Counter()
    checks: Counter = Counter()
    failed = []
    for event in result.all_events:
        if event.event_type_value == "ASSET_MATERIALIZATION":
            built[graph.get(event.asset_key).group_name] += 1
        elif event.event_type_value == "ASSET_CHECK_EVALUATION":
            evaluation = event.event_specific_data
            if evaluation.passed:
                checks["passed"] += 1
                continue
            checks[f"failed ({evaluation.severity.value.lower()})"] += 1
            failed.append(
                f"{evaluation.asset_key.to_user_string()}:{evaluation.check_name}"
                f" [{evaluation.severity.value}] {evaluation.description or ''}".rstrip()
            )
    print("\n=== customer_success build ===")
    print(f"Run {result.run_id}: {'SUCCESS' if result.success else 'FAILED'}")
    groups = ", ".join(f"{group} {count}" for group, count in sorted(built.items()))
    print(f"Materialised {sum(built.values())} assets ({groups or 'none'})")
    print("Checks: " + (", ".join(f"{n} {k}" for k, n in sorted(checks.items())) or "none ran"))
    for line in failed:
        print(f"  - {line}")
    print_quarantine(settings.warehouse_path)
    record = last_publish(instance, settings.serving_path)
    holds = (
        f"build {record.run_id} as of {record.as_of_date}, published {record.published_at} UTC"
        if record
        else "no publish recorded in this Dagster instance"
    )
    print(f"\nWarehouse:  {settings.warehouse_path}")
    print(f"Serving:    {settings.serving_path} ({holds})")
    print(f"Data Docs:  {settings.data_docs_dir / 'index.html'}")
    print(f"Report:     {settings.report_dir / 'index.html'}")
    print(f"Exports:    {settings.exports_dir} (Parquet, one file per mart)")


@contextlib.contextmanager
def output_to(log: Path) -> Iterator[None]:
    """Send everything written to stdout and stderr (Dagster's and dbt's logs, warnings of
    libraries) to ``log`` for the duration, at the file-descriptor level."""
    log.parent.mkdir(parents=True, exist_ok=True)
    sys.stdout.flush()
    sys.stderr.flush()
    saved = os.dup(1), os.dup(2)
    with log.open("ab") as handle:
        os.dup2(handle.fileno(), 1)
        os.dup2(handle.fileno(), 2)
        try:
            yield
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os.dup2(saved[0], 1)
            os.dup2(saved[1], 2)
            os.close(saved[0])
            os.close(saved[1])


def step_seconds(instance: dg.DagsterInstance, run_id: str) -> dict[str, float]:
    """Wall seconds of every step of the run, from its event log."""
    started: dict[str, float] = {}
    seconds: dict[str, float] = {}
    for entry in instance.all_logs(run_id):
        event = entry.dagster_event
        if event is None or event.step_key is None:
            continue
        if event.event_type_value == "STEP_START":
            started.setdefault(event.step_key, entry.timestamp)
        elif event.event_type_value in ("STEP_SUCCESS", "STEP_FAILURE"):
            begin = started.get(event.step_key, entry.timestamp)
            seconds[event.step_key] = round(entry.timestamp - begin, 2)
    return seconds


def write_run_summary(
    result: dg.ExecuteInProcessResult,
    instance: dg.DagsterInstance,
    settings: Settings,
    seconds: float,
    log: Path,
) -> dict:
    """`<logs>/last_run.json`: status, step times, dbt's artifacts (read by tools/bench.py)."""
    summary = {
        "run_id": result.run_id,
        "success": result.success,
        "seconds": round(seconds, 2),
        "steps": step_seconds(instance, result.run_id),
        "dbt_target": str(dbt_run_target(settings)),
        "log": str(log),
    }
    (settings.logs_dir / "last_run.json").write_text(json.dumps(summary, indent=2) + "\n")
    return summary


def prune_logs(directory: Path, keep: int = KEEP_LOGS) -> None:
    for old in sorted(directory.glob("run-*.log"))[:-keep]:
        old.unlink(missing_ok=True)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m orchestration.run", description=__doc__)
    parser.add_argument("--as-of-date", help="YYYY-MM-DD: CS_AS_OF_DATE for this run")
    args = parser.parse_args(argv)
    if args.as_of_date is not None:
        os.environ["CS_AS_OF_DATE"] = args.as_of_date  # dbt reads it; validated with the settings
    # SIGTERM stops a run as Ctrl-C does: Dagster interrupts the step, the dbt step stops dbt,
    # nothing after it (the publish) runs.
    signal.signal(signal.SIGTERM, signal.getsignal(signal.SIGINT))
    try:
        settings = Settings.from_env()
        defs = build_definitions(settings)
    except (SettingError, ManifestMissingError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    log = settings.logs_dir / f"run-{datetime.now(UTC):%Y%m%dT%H%M%S}-{os.getpid()}.log"
    print(f"Building {settings.warehouse_path} (full log: {log}) ...", flush=True)
    began = time.monotonic()
    with output_to(log):
        instance = dagster_instance(settings.project_dir)
        try:
            result = defs.resolve_job_def(MAIN_JOB).execute_in_process(
                run_config={"loggers": {"console": {"config": {"log_level": "INFO"}}}},
                instance=instance,
                raise_on_error=False,
            )
        finally:
            release_run_lock(settings.warehouse_path)
    prune_logs(settings.logs_dir)
    summary = write_run_summary(result, instance, settings, time.monotonic() - began, log)
    report(result, defs, settings, instance)
    print("Steps:      " + ", ".join(f"{k} {v:.1f} s" for k, v in summary["steps"].items()))
    print(f"Log:        {log}")
    if result.success:
        print(f"\nPublished to {settings.serving_path}.")
        return 0
    print("\nBUILD FAILED: nothing was published; the serving file is untouched.", file=sys.stderr)
    for step in failed_steps(result.all_events):
        message = f"step {step['step']}: {step['message']}"
        print("  " + "\n  ".join(message.splitlines()[:20]), file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
