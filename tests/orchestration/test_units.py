"""Unit tests of the orchestration's pure parts: dbt arguments, groups, retries, schedule
settings, atomic publishing and the manifest guard. No dbt build here."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from orchestration import publish
from orchestration.assets import build_dbt_args
from orchestration.project import ManifestMissingError, build_dbt_project, load_manifest
from orchestration.retries import is_transient_failure
from orchestration.schedules import validate_schedule
from orchestration.settings import SettingError, Settings, validate_as_of_date
from orchestration.translator import CustomerSuccessTranslator, group_for_path
from tests.dbt_runner import isolated_env, run_dbt

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
    assert validate_as_of_date(" 2024-02-29 ") == "2024-02-29"
    assert validate_as_of_date("") is None
    assert validate_as_of_date(None) is None
    with pytest.raises(SettingError, match="real calendar date"):
        validate_as_of_date("2023-02-29")


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
    project = build_dbt_project()
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
    column_test = checks["not_null_fct_mrr_movements_customer_id"]
    assert column_test.description.startswith("customer_id: ")


def test_definitions_wire_jobs_schedule_checks_and_publish(parsed, monkeypatch):
    from orchestration.factory import build_definitions
    from orchestration.publish import PUBLISH_ASSET_NAME, PUBLISH_GROUP
    from orchestration.schedules import MAIN_JOB, SCHEDULE_NAME

    for key, value in parsed.items():
        monkeypatch.setenv(key, value)
    monkeypatch.setenv("CS_SCHEDULE_CRON", "30 4 * * 1-5")
    monkeypatch.setenv("CS_SCHEDULE_TIMEZONE", "Europe/Istanbul")
    defs = build_definitions()

    jobs = {job.name for job in defs.resolve_all_job_defs()}
    assert {MAIN_JOB, "build_staging", "build_intermediate", "build_audit", "build_marts"} <= jobs
    assert not {"build_raw", f"build_{PUBLISH_GROUP}"} & jobs
    schedule = defs.resolve_schedule_def(SCHEDULE_NAME)
    assert (schedule.cron_schedule, schedule.execution_timezone) == (
        "30 4 * * 1-5",
        "Europe/Istanbul",
    )
    assert schedule.job_name == MAIN_JOB
    main = defs.resolve_job_def(MAIN_JOB)
    assert main.tags["dagster/retry_on_asset_or_op_failure"] == "false"

    graph = defs.resolve_asset_graph()
    publish_key = dg.AssetKey(PUBLISH_ASSET_NAME)
    models = {
        k
        for k in graph.get_all_asset_keys()
        if graph.get(k).group_name in ("staging", "intermediate", "marts", "audit", "semantic")
    }
    assert models and graph.get(publish_key).parent_keys == models
    for output in ("customer_success_report", "mart_exports"):  # written from the serving file
        assert graph.get(dg.AssetKey(output)).parent_keys == {publish_key}
    gx = [k for k in graph.asset_check_keys if k.name.startswith("gx_")]
    assert {k.name for k in gx} >= {"gx_raw_volume", "gx_raw_freshness", "gx_mart_nps"}
    assert all(graph.get_check_spec(k).blocking for k in gx)


# ---------------------------------------------------------------------------- settings


def test_missing_manifest_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.setenv("DBT_TARGET_PATH", str(tmp_path / "nowhere"))
    with pytest.raises(ManifestMissingError, match="make manifest"):
        load_manifest(build_dbt_project())


def test_serving_path_must_differ_from_the_warehouse(tmp_path, monkeypatch):
    monkeypatch.setenv("CS_WAREHOUSE_PATH", str(tmp_path / "a.duckdb"))
    monkeypatch.setenv("CS_SERVING_PATH", str(tmp_path / "a.duckdb"))
    with pytest.raises(SettingError, match="CS_SERVING_PATH"):
        Settings.from_env()


def test_relative_paths_are_relative_to_the_project(monkeypatch, tmp_path):
    monkeypatch.setenv("CS_PROJECT_DIR", str(tmp_path))
    monkeypatch.delenv("CS_WAREHOUSE_PATH", raising=False)
    monkeypatch.delenv("CS_DATA_DOCS_DIR", raising=False)
    settings = Settings.from_env()
    assert settings.warehouse_path == tmp_path / "warehouse" / "customer_success.duckdb"
    assert settings.data_docs_dir == tmp_path / "warehouse" / "data_docs"


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


# ---------------------------------------------------------------------------- publishing


def make_database(path: Path, run_id: str, value: int) -> None:
    connection = duckdb.connect(str(path))
    connection.execute("create schema audit")
    connection.execute("create table audit.build_log (run_id varchar, value integer)")
    connection.execute("insert into audit.build_log values (?, ?)", [run_id, value])
    connection.close()


def test_publish_replaces_the_serving_file_and_leaves_no_temporary_file(tmp_path):
    source, serving = tmp_path / "warehouse.duckdb", tmp_path / "serving" / "s.duckdb"
    make_database(source, "run-1", 1)
    publish.publish_file(source, serving, "run-1")
    assert serving.read_bytes() == source.read_bytes()
    assert not list(serving.parent.glob(f"*{publish.TEMP_SUFFIX}"))


def test_a_failed_copy_leaves_the_serving_file_untouched(tmp_path, monkeypatch):
    old, new, serving = tmp_path / "old.duckdb", tmp_path / "new.duckdb", tmp_path / "s.duckdb"
    make_database(old, "run-1", 1)
    make_database(new, "run-2", 2)
    shutil.copyfile(old, serving)
    before = serving.read_bytes()

    def half_copy(source, destination):
        Path(destination).write_bytes(Path(source).read_bytes()[:1000])
        raise OSError("disk full")

    monkeypatch.setattr(publish.shutil, "copyfile", half_copy)
    with pytest.raises(OSError, match="disk full"):
        publish.publish_file(new, serving, "run-2")
    assert serving.read_bytes() == before
    assert not list(tmp_path.glob(f"*{publish.TEMP_SUFFIX}"))


def test_a_copy_that_does_not_hold_the_build_is_not_published(tmp_path):
    source, serving = tmp_path / "w.duckdb", tmp_path / "s.duckdb"
    make_database(source, "run-1", 1)
    with pytest.raises(RuntimeError, match="does not hold build run-2"):
        publish.publish_file(source, serving, "run-2")
    assert not serving.exists()


def test_leftovers_of_a_killed_publish_are_removed(tmp_path):
    source, serving = tmp_path / "w.duckdb", tmp_path / "s.duckdb"
    make_database(source, "run-1", 1)
    leftover = publish.temp_path_for(serving)
    leftover.write_bytes(b"half a database")
    publish.publish_file(source, serving, "run-1")
    assert not leftover.exists()


OPEN_READER = textwrap.dedent(
    """
    import sys, duckdb
    connection = duckdb.connect(sys.argv[1], read_only=True)
    sql = "select value from audit.build_log"
    print(connection.execute(sql).fetchone()[0], flush=True)
    sys.stdin.readline()
    print(connection.execute(sql).fetchone()[0], flush=True)
    """
)


def test_an_open_reader_keeps_its_file_and_a_new_one_sees_the_new_file(tmp_path):
    old, new, serving = tmp_path / "old.duckdb", tmp_path / "new.duckdb", tmp_path / "s.duckdb"
    make_database(old, "run-1", 1)
    make_database(new, "run-2", 2)
    publish.publish_file(old, serving, "run-1")
    reader = subprocess.Popen(
        [sys.executable, "-c", OPEN_READER, str(serving)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert reader.stdout.readline().strip() == "1"
    publish.publish_file(new, serving, "run-2")
    out, _ = reader.communicate("\n", timeout=30)
    assert out.strip() == "1"  # the open connection still reads its (old) file
    connection = duckdb.connect(str(serving), read_only=True)
    assert connection.execute("select value from audit.build_log").fetchone()[0] == 2
    connection.close()


def test_record_build_appends_to_the_build_log(tmp_path):
    warehouse = tmp_path / "w.duckdb"
    connection = duckdb.connect(str(warehouse))
    connection.execute("create schema audit")
    connection.execute(
        "create table audit.row_reconciliation as select 'tickets' as source_table, "
        "10 as rows_read, 1 as rows_quarantined"
    )
    connection.close()
    record = publish.BuildRecord(
        run_id="run-1",
        as_of_date="2025-06-30",
        started_at=None,
        finished_at=__import__("datetime").datetime(2025, 7, 1, 5, 0),
        mart_row_counts={"mart_nps": 12},
        checks_passed=3,
        checks_failed=1,
        failed_checks=["mart_nps:gx_mart_nps"],
    )
    sql = "select source_table, rows_read, rows_quarantined from audit.row_reconciliation"
    publish.record_build(warehouse, record, sql)
    connection = duckdb.connect(str(warehouse), read_only=True)
    row = connection.execute(
        "select run_id, as_of_date, mart_row_counts, checks_passed, checks_failed, "
        "rows_quarantined from audit.build_log"
    ).fetchone()
    volumes = connection.execute("select * from audit.raw_volume_history").fetchall()
    connection.close()
    assert row[0] == "run-1" and str(row[1]) == "2025-06-30"
    assert json.loads(row[2]) == {"mart_nps": 12} and row[3:] == (3, 1, 1)
    assert volumes[0][:3] == ("run-1", "tickets", 10)
    publish.forget_build(warehouse, "run-1")
    connection = duckdb.connect(str(warehouse), read_only=True)
    assert connection.execute("select count(*) from audit.build_log").fetchone()[0] == 0
    connection.close()
