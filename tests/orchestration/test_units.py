"""Unit tests of the orchestration's pure parts: dbt arguments, groups, settings, the retry,
the publish guard and the serving-file writer. No dbt build here."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from types import SimpleNamespace

import dagster as dg
import duckdb
import pytest
from dagster_dbt.errors import DagsterDbtCliRuntimeError

from customer_success import serving
from customer_success.manifest import group_for_path
from customer_success.serving import ServedRelation, write_serving_file
from orchestration.assets import build_dbt_args, is_transient_failure
from orchestration.project import ManifestMissingError, build_dbt_project, load_manifest
from orchestration.schedules import validate_schedule
from orchestration.settings import SettingError, Settings, validate_as_of_date
from orchestration.translator import CustomerSuccessTranslator
from tests.dbt_runner import isolated_env, run_dbt
from tests.orchestration.harness import environment, step_failures

PROJECT_DIR = Path(__file__).resolve().parents[2]

# ---------------------------------------------------------------------------- dbt arguments


NO_UNIT_TESTS = ["--exclude-resource-type", "unit_test"]


def test_dbt_args_without_settings_is_a_plain_build_without_unit_tests():
    assert build_dbt_args() == ["build", *NO_UNIT_TESTS]
    assert build_dbt_args(unit_tests=True) == ["build"]


def test_dbt_args_pass_as_of_date_and_vars_as_json():
    args = build_dbt_args("2025-06-30", extra_vars={"max_quarantine_share": 0.2})
    assert args[:2] == ["build", "--vars"]
    assert json.loads(args[2]) == {"as_of_date": "2025-06-30", "max_quarantine_share": 0.2}


def test_dbt_args_exclusion():
    args = build_dbt_args(exclude=" tag:slow ")
    assert args == ["build", "--exclude", "tag:slow", *NO_UNIT_TESTS]


@pytest.mark.parametrize("bad", ["2025-6-30", "30/06/2025", "2025-02-30", "2025-13-01", "x"])
def test_dbt_args_refuse_a_malformed_as_of_date(bad):
    with pytest.raises(SettingError, match="as_of_date"):
        build_dbt_args(bad)


def test_dbt_args_refuse_empty_selection_and_duplicate_vars():
    with pytest.raises(SettingError):
        build_dbt_args(exclude="  ")
    with pytest.raises(SettingError):
        build_dbt_args("2025-01-01", extra_vars={"as_of_date": "2025-01-02"})
    with pytest.raises(SettingError):
        build_dbt_args(extra_vars={"bad name": 1})


def test_as_of_date_validation():
    assert validate_as_of_date(" 2024-02-29 ", "x") == "2024-02-29"
    assert validate_as_of_date("", "x") is None
    assert validate_as_of_date(None, "x") is None
    with pytest.raises(SettingError, match="CS_AS_OF_DATE is not a real calendar date"):
        validate_as_of_date("2023-02-29", "CS_AS_OF_DATE")


# ---------------------------------------------------------------------------- groups


@pytest.mark.parametrize(
    ("path", "group"),
    [
        ("models/staging/billing/stg_billing__customers.sql", "staging"),
        ("models/staging/billing/base/base_billing__customers.sql", "staging"),
        ("models/intermediate/core/int_as_of_date.sql", "intermediate"),
        ("models/marts/revenue/mart_revenue_retention.sql", "marts"),
        ("models/audit/row_reconciliation.sql", "audit"),
        ("models/new-layer/x.sql", "new_layer"),
        ("models/top_level.sql", "default"),
    ],
)
def test_group_is_the_folder_under_models(path, group):
    assert group_for_path(path) == group


def test_translator_puts_sources_in_raw_and_models_in_their_layer():
    translator = CustomerSuccessTranslator()
    source = {"resource_type": "source", "original_file_path": "models/staging/x/_x.yml"}
    model = {"resource_type": "model", "original_file_path": "models/marts/growth/mart_x.sql"}
    assert translator.get_group_name(source) == "raw"
    assert translator.get_group_name(model) == "marts"


@pytest.fixture(scope="module")
def parsed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """An isolated environment over a parsed manifest: the project's own (`make test` parses it
    first), else one parsed here."""
    root = tmp_path_factory.mktemp("units")
    env = isolated_env(root, root / "raw")
    if (PROJECT_DIR / "target" / "manifest.json").exists():
        env["DBT_TARGET_PATH"] = str(PROJECT_DIR / "target")
    else:
        result = run_dbt(["parse", "--quiet"], env)
        assert result.returncode == 0, result.output
    return env


def test_every_node_of_the_project_gets_a_layer_group(parsed):
    """On the real manifest: every source is raw, every model in one of the five layers."""
    manifest = json.loads((Path(parsed["DBT_TARGET_PATH"]) / "manifest.json").read_text())
    translator = CustomerSuccessTranslator()
    groups = {
        node["unique_id"]: translator.get_group_name(node)
        for node in [*manifest["nodes"].values(), *manifest["sources"].values()]
        if node["resource_type"] in ("model", "source")
    }
    assert {g for uid, g in groups.items() if uid.startswith("source.")} == {"raw"}
    assert {g for uid, g in groups.items() if uid.startswith("model.")} == {
        "staging",
        "intermediate",
        "marts",
        "audit",
        "semantic",
    }


def test_every_dbt_check_says_what_it_checks_on_the_asset_it_guards(parsed):
    """Each dbt test is an asset check with a description (its own, else its generic test's with
    the column and arguments); a test over several models sits on the model its meta names."""
    manifest = json.loads((Path(parsed["DBT_TARGET_PATH"]) / "manifest.json").read_text())
    translator = CustomerSuccessTranslator()
    with environment(parsed):
        project = build_dbt_project(Settings.from_env())
    checks = {}
    for unique_id, node in [*manifest["nodes"].items(), *manifest["sources"].items()]:
        if node["resource_type"] in ("model", "source"):
            spec = translator.get_asset_spec(manifest, unique_id, project)
            for test_id in manifest["child_map"].get(unique_id, []):
                if test_id.startswith("test."):
                    check = translator.get_asset_check_spec(spec, manifest, test_id, project)
                    if check is not None:
                        checks[check.name] = check
    tests = {n["name"] for n in manifest["nodes"].values() if n["resource_type"] == "test"}
    assert set(checks) == tests
    assert [name for name, check in checks.items() if not check.description] == []
    multi = checks["assert_logo_churn_matches_movements"]
    assert multi.asset_key == dg.AssetKey(["marts", "mart_logo_churn"])
    assert "fct_mrr_movements" in multi.description
    column_test = checks["unique_int_invoices_converted_invoice_id"]
    assert column_test.description.startswith("invoice_id: ")
    rules = checks["mart_revenue_retention_column_rules"]
    assert rules.asset_key == dg.AssetKey(["marts", "mart_revenue_retention"])
    assert "min / max" in rules.description


def test_definitions_wire_jobs_schedule_checks_and_publish(parsed):
    from orchestration.factory import build_definitions
    from orchestration.publish import PUBLISH_GROUP, PUBLISH_KEY
    from orchestration.schedules import MAIN_JOB, SCHEDULE_NAME

    env = {**parsed, "CS_SCHEDULE_CRON": "30 4 * * 1-5", "CS_SCHEDULE_TIMEZONE": "Europe/Istanbul"}
    with environment(env):
        settings = Settings.from_env()
        defs = build_definitions(settings)

    jobs = {job.name for job in defs.resolve_all_job_defs()}
    assert {MAIN_JOB, "build_staging", "build_intermediate", "build_audit", "build_marts"} <= jobs
    assert not {"build_raw", f"build_{PUBLISH_GROUP}"} & jobs
    schedule = defs.resolve_schedule_def(SCHEDULE_NAME)
    assert (schedule.cron_schedule, schedule.execution_timezone) == (
        "30 4 * * 1-5",
        "Europe/Istanbul",
    )
    assert schedule.job_name == MAIN_JOB
    assert not any(key.startswith("dagster/") for key in defs.resolve_job_def(MAIN_JOB).tags)
    assert defs.resources["settings"] is settings  # resolved once, read by every asset

    graph = defs.resolve_asset_graph()
    layers = ("staging", "intermediate", "marts", "audit", "semantic")
    models = {k for k in graph.get_all_asset_keys() if graph.get(k).group_name in layers}
    assert models and graph.get(PUBLISH_KEY).parent_keys == models
    for output in ("customer_success_report", "mart_exports"):  # written from the serving file
        assert graph.get(dg.AssetKey(output)).parent_keys == {PUBLISH_KEY}
    gx = [k for k in graph.asset_check_keys if k.name.startswith("gx_")]
    assert {k.name for k in gx} == {"gx_raw_volume", "gx_raw_freshness", "gx_headline_drift"}
    assert all(graph.get_check_spec(k).blocking for k in gx)
    # raw tables: a non-blocking freshness check each; serving assets: a freshness policy
    fresh = [k for k in graph.asset_check_keys if k.name == "freshness"]
    assert fresh and {graph.get(k.asset_key).group_name for k in fresh} == {"raw"}
    assert not any(graph.get_check_spec(k).blocking for k in fresh)
    main_checks = defs.resolve_job_def(MAIN_JOB).asset_layer.asset_graph.asset_check_keys
    assert set(fresh) <= set(main_checks)  # build_all runs them, though raw is not executable
    assert graph.get(PUBLISH_KEY).freshness_policy is not None
    assert {sensor.name for sensor in defs.sensors} == {"raw_data_sensor", "alert_on_run_failure"}
    assert defs.resolve_sensor_def("raw_data_sensor").job_name == MAIN_JOB


def test_publish_alone_is_refused_before_it_touches_a_file(parsed, tmp_path):
    from orchestration.factory import build_definitions
    from orchestration.publish import PUBLISH_KEY

    with environment({**parsed, "CS_SERVING_PATH": str(tmp_path / "s.duckdb")}):
        defs = build_definitions()
    result = defs.resolve_implicit_global_asset_job_def().execute_in_process(
        asset_selection=[PUBLISH_KEY], raise_on_error=False
    )
    assert not result.success
    message = step_failures(result)["serving_warehouse"]
    assert "not publishing: only a run of the whole graph" in message
    assert not list(tmp_path.iterdir())


class LockedInvocation:
    """What dbt reports when another process holds the warehouse file."""

    adapter = None
    process = SimpleNamespace(poll=lambda: 1)  # dbt has exited

    def stream(self) -> None:
        raise DagsterDbtCliRuntimeError(
            'IO Error: Could not set lock on file "w.duckdb": Conflicting lock is held'
        )


def test_a_locked_warehouse_is_retried_by_the_dbt_step_then_fails(parsed, monkeypatch):
    """The one retry mechanism works in-process (`make run`) as under the daemon."""
    from dagster_dbt import DbtCliResource

    from orchestration.factory import build_definitions
    from orchestration.schedules import MAIN_JOB

    monkeypatch.setattr(DbtCliResource, "cli", lambda *args, **kwargs: LockedInvocation())
    env = {**parsed, "CS_RUN_MAX_RETRIES": "2", "CS_RUN_RETRY_WAIT_SECONDS": "0"}
    with environment(env):
        defs = build_definitions()
    result = defs.resolve_job_def(MAIN_JOB).execute_in_process(raise_on_error=False)
    kinds = [event.event_type_value for event in result.all_events]
    assert not result.success
    assert kinds.count("STEP_UP_FOR_RETRY") == 2 and kinds.count("STEP_RESTARTED") == 2
    assert "Could not set lock" in step_failures(result)["dbt_build"]


HOLD_WAREHOUSE = (
    "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); print(1, flush=True); "
    "time.sleep(600)"
)


def test_a_warehouse_held_by_another_process_fails_fast_naming_it(parsed, tmp_path):
    """A notebook holding the warehouse: dbt is not even started, the retries are the configured
    ones, and the failure names the holder's PID."""
    from orchestration.factory import build_definitions
    from orchestration.schedules import MAIN_JOB

    warehouse = tmp_path / "held.duckdb"
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_WAREHOUSE, str(warehouse)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout.readline().strip() == "1"
        env = {
            **parsed,
            "CS_WAREHOUSE_PATH": str(warehouse),
            "CS_RUN_MAX_RETRIES": "1",
            "CS_RUN_RETRY_WAIT_SECONDS": "1",
        }
        with environment(env):
            defs = build_definitions()
            began = time.monotonic()
            result = defs.resolve_job_def(MAIN_JOB).execute_in_process(raise_on_error=False)
        assert time.monotonic() - began < 60
    finally:
        holder.kill()
        holder.wait()
    kinds = [event.event_type_value for event in result.all_events]
    assert not result.success and kinds.count("STEP_UP_FOR_RETRY") == 1
    assert f"(PID {holder.pid})" in step_failures(result)["dbt_build"]


# ---------------------------------------------------------------------------- settings


def test_missing_manifest_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.setenv("DBT_TARGET_PATH", str(tmp_path / "nowhere"))
    with pytest.raises(ManifestMissingError, match="make manifest"):
        load_manifest(build_dbt_project(Settings.from_env()))


def test_serving_path_must_differ_from_the_warehouse(tmp_path, monkeypatch):
    monkeypatch.setenv("CS_WAREHOUSE_PATH", str(tmp_path / "a.duckdb"))
    monkeypatch.setenv("CS_SERVING_PATH", str(tmp_path / "a.duckdb"))
    with pytest.raises(SettingError, match="CS_SERVING_PATH"):
        Settings.from_env()


def test_paths_are_resolved_once_relative_to_the_project(monkeypatch, tmp_path):
    monkeypatch.setenv("CS_PROJECT_DIR", str(tmp_path))
    for name in ("CS_WAREHOUSE_PATH", "CS_SERVING_PATH", "CS_DATA_DOCS_DIR", "CS_EXPORTS_DIR"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("CS_REPORT_DIR", "out/report")
    settings = Settings.from_env()
    assert settings.warehouse_path == tmp_path / "warehouse" / "customer_success.duckdb"
    assert settings.data_docs_dir == tmp_path / "warehouse" / "data_docs"
    assert settings.exports_dir == tmp_path / "warehouse" / "exports"
    assert settings.report_dir == tmp_path / "out" / "report"


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("CS_AS_OF_DATE", "2025-02-30", "CS_AS_OF_DATE is not a real calendar date"),
        ("CS_RUN_MAX_RETRIES", "two", "CS_RUN_MAX_RETRIES must be a whole number"),
        ("CS_VOLUME_MAX_DROP", "-1", "CS_VOLUME_MAX_DROP must be >= 0"),
        ("CS_FRESHNESS_WINDOW_DAYS", "0", "CS_FRESHNESS_WINDOW_DAYS must be >= 1"),
    ],
)
def test_a_bad_setting_is_named(monkeypatch, name, value, message):
    monkeypatch.setenv(name, value)
    with pytest.raises(SettingError, match=message):
        Settings.from_env()


def test_schedule_settings_are_validated():
    validate_schedule("0 5 * * *", "Europe/Istanbul")
    with pytest.raises(SettingError, match="CS_SCHEDULE_CRON"):
        validate_schedule("every day", "UTC")
    with pytest.raises(SettingError, match="CS_SCHEDULE_TIMEZONE"):
        validate_schedule("0 5 * * *", "Mars/Olympus")


@pytest.mark.parametrize(
    ("message", "transient"),
    [
        ('IO Error: Could not set lock on file "w.duckdb": Conflicting lock is held', True),
        ("Quarantined share of raw rows is above max_quarantine_share", False),
        ("1 blocking asset check failed with ERROR severity", False),
        ("", False),
    ],
)
def test_only_a_locked_file_is_transient(message, transient):
    assert is_transient_failure(message) is transient


# ---------------------------------------------------------------------------- the serving file

SERVED = [
    ServedRelation("marts", "mart_x", "The x mart.", {"value": "A value.", "absent": "Not built."}),
    ServedRelation("audit", "log", "", {}),
]


def make_warehouse(path: Path, value: int) -> Path:
    connection = duckdb.connect(str(path))
    for statement in [
        "create schema marts",
        "create schema audit",
        "create schema staging",
        f"create table marts.mart_x as select {value} as value",
        "create table audit.log as select 'ok' as status",
        "create table staging.stg_x as select 1 as a",
        "create view marts.v as select * from staging.stg_x",
    ]:
        connection.execute(statement)
    connection.close()
    return path


def read_value(path: Path) -> int:
    connection = duckdb.connect(str(path), read_only=True)
    try:
        return connection.execute("select value from marts.mart_x").fetchone()[0]
    finally:
        connection.close()


def test_the_serving_file_holds_exactly_the_listed_relations_with_comments(tmp_path):
    warehouse = make_warehouse(tmp_path / "w.duckdb", 1)
    destination = tmp_path / "serving" / "s.duckdb"
    counts = write_serving_file(warehouse, destination, SERVED)
    assert counts == {"marts.mart_x": 1, "audit.log": 1}
    connection = duckdb.connect(str(destination), read_only=True)
    tables = connection.execute(
        "select schema_name, table_name, comment from duckdb_tables()"
    ).fetchall()
    columns = connection.execute(
        "select table_name, column_name, comment from duckdb_columns() where comment is not null"
    ).fetchall()
    connection.close()
    assert sorted(tables) == [("audit", "log", None), ("marts", "mart_x", "The x mart.")]
    assert columns == [("mart_x", "value", "A value.")]
    assert not list(destination.parent.glob(f"*{serving.TEMP_SUFFIX}"))


def test_a_failed_copy_leaves_the_serving_file_untouched(tmp_path, monkeypatch):
    destination = tmp_path / "s.duckdb"
    write_serving_file(make_warehouse(tmp_path / "old.duckdb", 1), destination, SERVED)
    before = destination.read_bytes()

    def half_copy(warehouse, target, relations):
        Path(target).write_bytes(Path(warehouse).read_bytes()[:1000])
        raise OSError("disk full")

    monkeypatch.setattr(serving, "copy_serving_layer", half_copy)
    new = make_warehouse(tmp_path / "new.duckdb", 2)
    with pytest.raises(OSError, match="disk full"):
        write_serving_file(new, destination, SERVED)
    assert destination.read_bytes() == before
    assert not list(tmp_path.glob(f"*{serving.TEMP_SUFFIX}"))


def test_a_relation_missing_from_the_warehouse_is_not_published(tmp_path):
    destination = tmp_path / "s.duckdb"
    missing = [*SERVED, ServedRelation("marts", "mart_gone", "", {})]
    with pytest.raises(duckdb.CatalogException, match="mart_gone"):
        write_serving_file(make_warehouse(tmp_path / "w.duckdb", 1), destination, missing)
    assert not destination.exists()
    assert not list(tmp_path.glob(f"*{serving.TEMP_SUFFIX}"))


def test_leftovers_of_a_killed_publish_are_removed(tmp_path):
    destination = tmp_path / "s.duckdb"
    leftover = serving.temp_path_for(destination)
    leftover.write_bytes(b"half a database")
    write_serving_file(make_warehouse(tmp_path / "w.duckdb", 1), destination, SERVED)
    assert not leftover.exists()


OPEN_READER = textwrap.dedent(
    """
    import sys, duckdb
    connection = duckdb.connect(sys.argv[1], read_only=True)
    sql = "select value from marts.mart_x"
    print(connection.execute(sql).fetchone()[0], flush=True)
    sys.stdin.readline()
    print(connection.execute(sql).fetchone()[0], flush=True)
    """
)


def test_an_open_reader_keeps_its_file_and_a_new_one_sees_the_new_file(tmp_path):
    destination = tmp_path / "s.duckdb"
    write_serving_file(make_warehouse(tmp_path / "old.duckdb", 1), destination, SERVED)
    reader = subprocess.Popen(
        [sys.executable, "-c", OPEN_READER, str(destination)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert reader.stdout.readline().strip() == "1"
    write_serving_file(make_warehouse(tmp_path / "new.duckdb", 2), destination, SERVED)
    out, _ = reader.communicate("\n", timeout=30)
    assert out.strip() == "1"  # the open connection still reads its (old) file
    assert read_value(destination) == 2


# ---------------------------------------------------------------------------- run.py and the guard


def test_a_bad_as_of_date_on_the_command_line_stops_before_dagster(monkeypatch, capsys):
    from orchestration import run

    monkeypatch.setenv("CS_AS_OF_DATE", "")  # restored after the test: main() sets it
    assert run.main(["--as-of-date", "2025-02-30"]) == 2
    assert "CS_AS_OF_DATE is not a real calendar date: '2025-02-30'" in capsys.readouterr().err


def guard_context(selected: set, checks: set, dbt_config: dict) -> SimpleNamespace:
    layer = SimpleNamespace(
        selected_asset_keys=selected, asset_graph=SimpleNamespace(asset_check_keys=checks)
    )
    run_config = {"ops": {"dbt_build": {"config": dbt_config}}}
    return SimpleNamespace(
        job_def=SimpleNamespace(asset_layer=layer), run=SimpleNamespace(run_config=run_config)
    )


def test_publish_refuses_a_run_that_leaves_out_a_model_a_check_or_part_of_dbt():
    from orchestration.publish import PublishRefused, refuse_partial_run

    models = {dg.AssetKey("a"), dg.AssetKey("b")}
    checks = {dg.AssetCheckKey(dg.AssetKey("a"), "gx_x")}
    refuse_partial_run(guard_context(models, checks, {}), models, checks)
    for selected, planned, config, missing in [
        ({dg.AssetKey("a")}, checks, {}, "b"),
        (models, set(), {}, "check gx_x"),
        (models, checks, {"exclude": "marts"}, "dbt exclude 'marts'"),
    ]:
        with pytest.raises(PublishRefused, match=missing):
            refuse_partial_run(guard_context(selected, planned, config), models, checks)
