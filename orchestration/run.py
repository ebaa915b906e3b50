"""`make run`: build the whole graph through Dagster, in this process, and say what happened.

    .venv/bin/python -m orchestration.run [--as-of-date YYYY-MM-DD]

Runs the job `build_all` (dbt build with its tests, the GX checks, publish) with the settings of
the environment (docs/orchestration.md), retries the whole run when it failed for a transient
reason (a locked warehouse file), then prints what was built, the checks, the quarantine summary
(audit.row_reconciliation and the reasons in audit.quarantined_rows) and where the warehouse and
serving files are. Exit status 0 when the build was published, 1 when it failed, 2 when it could
not start (bad settings, no dbt manifest).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import sys
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import duckdb

from orchestration.settings import SettingError, Settings, validate_as_of_date

DAGSTER_YAML_TEMPLATE = Path(__file__).with_name("dagster.yaml")


def ensure_dagster_home() -> Path | None:
    """Absolute DAGSTER_HOME, created, with run retries enabled; None when unset."""
    raw = os.environ.get("DAGSTER_HOME", "").strip()
    if not raw:
        return None
    home = Path(raw).expanduser().resolve()
    home.mkdir(parents=True, exist_ok=True)
    os.environ["DAGSTER_HOME"] = str(home)
    config = home / "dagster.yaml"
    if not config.exists():
        shutil.copyfile(DAGSTER_YAML_TEMPLATE, config)
    return home


ANSI_ESCAPE = re.compile(r"\x1b\[[0-9;]*m")


def root_cause(error) -> str:  # error: SerializableErrorInfo
    """The innermost message of a Dagster error chain (the dbt or check error itself)."""
    while error.cause is not None:
        error = error.cause
    return ANSI_ESCAPE.sub("", error.message or "").strip()


def failure_messages(result) -> list[str]:
    messages = []
    for event in result.all_events:
        if event.event_type_value == "STEP_FAILURE":
            error = event.event_specific_data.error
            messages.append(f"step {event.step_key}: {root_cause(error)}")
    return messages


def _print_table(rows: Sequence[Sequence[object]], header: Sequence[str]) -> None:
    widths = [max(len(str(v)) for v in column) for column in zip(header, *rows, strict=False)]
    for row in (header, *rows):
        print("  " + "  ".join(str(v).ljust(w) for v, w in zip(row, widths, strict=False)))


def print_quarantine(warehouse: Path) -> None:
    print("\nQuarantine (audit.row_reconciliation):")
    if not warehouse.exists():
        print("  (no warehouse file yet)")
        return
    try:
        connection = duckdb.connect(str(warehouse), read_only=True)
    except duckdb.Error as err:
        print(f"  (cannot read the warehouse: {err})")
        return
    try:
        rows = connection.execute(
            "select source_table, rows_read, rows_kept, rows_quarantined, duplicates_removed "
            "from audit.row_reconciliation order by source_table"
        ).fetchall()
        _print_table(rows, ["table", "read", "kept", "quarantined", "duplicates"])
        reasons = connection.execute(
            "select source_table, reason, count(*) as n from audit.quarantined_rows "
            "group by source_table, reason order by source_table, n desc, reason"
        ).fetchall()
        if reasons:
            print("  reasons:")
            for table, reason, count in reasons:
                print(f"    {table}: {count} x {reason}")
        else:
            print("  no row quarantined")
    except duckdb.Error as err:
        print(f"  (not available: {err})")
    finally:
        connection.close()


def serving_build(serving: Path) -> str:
    """Which build the serving file holds, for the report."""
    if not serving.exists():
        return "no serving file yet"
    try:
        connection = duckdb.connect(str(serving), read_only=True)
        try:
            row = connection.execute(
                "select run_id, as_of_date, finished_at from audit.build_log "
                "order by finished_at desc limit 1"
            ).fetchone()
        finally:
            connection.close()
    except duckdb.Error as err:
        return f"unreadable ({err})"
    return f"build {row[0]} as of {row[1]}, finished {row[2]}" if row else "no build log"


def report(result, defs, settings: Settings, unattached: Sequence[str]) -> None:
    graph = defs.resolve_asset_graph()
    built = Counter()
    for event in result.all_events:
        if event.event_type_value == "ASSET_MATERIALIZATION":
            built[graph.get(event.asset_key).group_name] += 1
    checks = Counter()
    failed = []
    for event in result.all_events:
        if event.event_type_value == "ASSET_CHECK_EVALUATION":
            evaluation = event.event_specific_data
            if evaluation.passed:
                checks["passed"] += 1
            else:
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
    for name in unattached:
        print(f"  - GX suite {name}: skipped, its mart is not built by the dbt project yet")
    print_quarantine(settings.warehouse_path)
    print(f"\nWarehouse:  {settings.warehouse_path}")
    print(f"Serving:    {settings.serving_path} ({serving_build(settings.serving_path)})")
    print(f"Data Docs:  {settings.data_docs_dir / 'index.html'}")
    from orchestration.report.assets import exports_dir, report_dir

    print(f"Report:     {report_dir(settings) / 'index.html'}")
    print(f"Exports:    {exports_dir(settings)} (Parquet, one file per mart)")


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m orchestration.run", description=__doc__)
    parser.add_argument("--as-of-date", help="YYYY-MM-DD; overrides CS_AS_OF_DATE for this run")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        settings = Settings.from_env()
        as_of_date = validate_as_of_date(args.as_of_date, "--as-of-date")
        ensure_dagster_home()
        from dagster import DagsterInstance

        from orchestration.factory import build_definitions
        from orchestration.project import ManifestMissingError
        from orchestration.quality.checks import unattached_suites
        from orchestration.schedules import MAIN_JOB, retry_tags

        try:
            defs = build_definitions(settings)
        except ManifestMissingError as err:
            print(f"error: {err}", file=sys.stderr)
            return 2
    except SettingError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2

    from orchestration.assets import DBT_OP_NAME, model_nodes
    from orchestration.project import build_dbt_project, load_manifest
    from orchestration.retries import is_transient_failure

    unattached = [
        s.name for s in unattached_suites(model_nodes(load_manifest(build_dbt_project(settings))))
    ]
    run_config: dict = {"loggers": {"console": {"config": {"log_level": "INFO"}}}}
    if as_of_date:
        run_config["ops"] = {DBT_OP_NAME: {"config": {"as_of_date": as_of_date}}}
    instance = DagsterInstance.get() if os.environ.get("DAGSTER_HOME") else None
    instance = instance or DagsterInstance.ephemeral()
    job = defs.resolve_job_def(MAIN_JOB)
    attempts = settings.run_max_retries + 1
    for attempt in range(1, attempts + 1):
        result = job.execute_in_process(
            run_config=run_config,
            instance=instance,
            raise_on_error=False,
            tags={**retry_tags(settings), "cs/attempt": str(attempt)},
        )
        failures = failure_messages(result)
        if result.success or attempt == attempts or not is_transient_failure("\n".join(failures)):
            break
        print(
            f"\nRun {result.run_id} failed for a transient reason (a locked DuckDB file); "
            f"retrying in {settings.retry_wait_seconds:.0f}s (attempt {attempt + 1}/{attempts}).",
            file=sys.stderr,
        )
        time.sleep(settings.retry_wait_seconds)

    report(result, defs, settings, unattached)
    if result.success:
        print(f"\nPublished to {settings.serving_path}.")
        return 0
    print("\nBUILD FAILED: nothing was published; the serving file is untouched.", file=sys.stderr)
    for message in failures:
        lines = message.splitlines()
        print("  " + "\n  ".join(lines[:40]), file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
