"""The Great Expectations suites on hand-made warehouses: volume against the last publish,
freshness, headline drift against the published file; bad data fails, a GX or loading exception
is an error (never a pass), and through Dagster the suites are blocking checks whose volume
baseline is the last publish recorded in the instance."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import dagster as dg
import duckdb
import pandas as pd
import pytest

from customer_success.manifest import relation
from customer_success.quality import QualitySettings
from customer_success.quality.runner import ERRORED, FAILED, PASSED, WARNED, run_suites
from customer_success.quality.suites import build_suites, event_sources
from customer_success.serving import PublishRecord
from orchestration.publish import PUBLISH_KEY
from orchestration.settings import Settings

QUALITY = QualitySettings()


def node(name: str, folder: str, schema: str, depends_on: tuple[str, ...] = ()) -> dict:
    return {
        "unique_id": f"model.customer_success.{name}",
        "name": name,
        "schema": schema,
        "alias": name,
        "resource_type": "model",
        "original_file_path": f"models/{folder}/{name}.sql",
        "depends_on": {"nodes": list(depends_on)},
        "columns": {},
        "config": {},
        "meta": {},
    }


MODELS = {
    "base_support__tickets": node(
        "base_support__tickets", "staging", "staging", ("source.customer_success.support.tickets",)
    ),
    "stg_support__tickets": node(
        "stg_support__tickets",
        "staging",
        "staging",
        ("model.customer_success.base_support__tickets",),
    ),
    "int_as_of_date": node("int_as_of_date", "intermediate", "intermediate"),
    "row_reconciliation": node("row_reconciliation", "audit", "audit"),
    "mart_revenue_retention": node("mart_revenue_retention", "marts", "marts"),
    "mart_logo_churn": node("mart_logo_churn", "marts", "marts"),
}
RELATIONS = {name: relation(model) for name, model in MODELS.items()}
SUITES = {suite.name: suite for suite in build_suites(MODELS)}


def make_warehouse(path: Path, as_of: str = "2025-04-01", mrr: float = 100.0) -> Path:
    """Tickets every 2 days until 2025-03-31; three raw tables; two months of headline marts."""
    connection = duckdb.connect(str(path))
    for statement in [
        "create schema staging",
        "create schema intermediate",
        "create schema audit",
        "create schema marts",
        f"create table intermediate.int_as_of_date as select date '{as_of}' as as_of_date",
        "create table staging.stg_support__tickets as select "
        "timestamp '2025-01-01' + to_days(cast(day * 2 as integer)) as created_at "
        "from range(0, 45) as days(day)",
        "create table audit.row_reconciliation as select * from (values "
        "('tickets', 40), ('invoices', 300), ('customers', 100)) as t(source_table, rows_read)",
        "create table marts.mart_revenue_retention as select * from (values "
        f"(date '2025-02-01', 'all', 90.0), (date '2025-03-01', 'all', {mrr}), "
        "(date '2025-03-01', 'smb', 5.0)) as t(month, segment, ending_mrr)",
        "create table marts.mart_logo_churn as select * from (values "
        "(date '2025-02-01', 'all', 9), (date '2025-03-01', 'all', 10)) "
        "as t(month, segment, customers_end)",
    ]:
        connection.execute(statement)
    connection.close()
    return path


def run(
    name: str, warehouse: Path, baseline: PublishRecord | None = None, published: Path | None = None
):
    published = published or warehouse.with_name("not_published.duckdb")
    return run_suites(warehouse, [SUITES[name]], RELATIONS, QUALITY, baseline, published)[0]


def test_the_freshness_suite_finds_each_staging_model_from_the_lineage():
    assert event_sources(MODELS) == {"tickets": ("stg_support__tickets", "created_at")}
    assert SUITES["raw_freshness"].reads == ("stg_support__tickets",)


# ------------------------------------------------------------------- raw_volume


def test_raw_volume_compares_with_the_previous_publish(tmp_path):
    baseline = PublishRecord("run-0", {"tickets": 100, "invoices": 100, "customers": 100})
    outcome = run("raw_volume", make_warehouse(tmp_path / "w.duckdb"), baseline)
    # tickets lost 60% of its rows (error); invoices tripled (warning)
    assert outcome.status == FAILED
    failures = "\n".join(outcome.failures)
    assert "-0.6" in failures and "[warn]" in failures and "2.0" in failures
    assert "compared with the published build of run run-0" in outcome.notes[0]


def test_an_emptied_table_fails_and_growth_alone_warns(tmp_path):
    warehouse = make_warehouse(tmp_path / "w.duckdb")
    emptied = PublishRecord(
        "run-0", {"tickets": 40, "invoices": 300, "customers": 100, "agents": 5}
    )
    connection = duckdb.connect(str(warehouse))
    connection.execute("insert into audit.row_reconciliation values ('agents', 0)")
    connection.close()
    assert run("raw_volume", warehouse, emptied).status == FAILED
    grown = PublishRecord("run-0", {"tickets": 10, "invoices": 300, "customers": 100})
    outcome = run("raw_volume", make_warehouse(tmp_path / "w2.duckdb"), grown)
    assert outcome.status == WARNED


def test_raw_volume_without_a_previous_publish_passes_and_says_so(tmp_path):
    outcome = run("raw_volume", make_warehouse(tmp_path / "w.duckdb"))
    assert outcome.status == PASSED
    assert "no previous published build" in outcome.notes[0]


# ------------------------------------------------------------------- raw_freshness


def test_raw_data_that_stops_long_before_as_of_date_is_stale(tmp_path):
    fresh = run("raw_freshness", make_warehouse(tmp_path / "fresh.duckdb", "2025-04-01"))
    assert fresh.status == PASSED, fresh.failures
    stale = run("raw_freshness", make_warehouse(tmp_path / "stale.duckdb", "2025-06-30"))
    assert stale.status == FAILED


# ------------------------------------------------------------------- headline_drift


def test_a_restated_published_month_is_a_warning(tmp_path):
    published = make_warehouse(tmp_path / "published.duckdb", mrr=100.0)
    same = run("headline_drift", make_warehouse(tmp_path / "same.duckdb"), published=published)
    assert same.status == PASSED and same.evaluated == 1
    restated = make_warehouse(tmp_path / "restated.duckdb", mrr=130.0)
    outcome = run("headline_drift", restated, published=published)
    assert outcome.status == WARNED
    assert "0.3" in "\n".join(outcome.failures)


def test_drift_without_a_published_file_or_figure_passes_and_says_so(tmp_path):
    warehouse = make_warehouse(tmp_path / "w.duckdb")
    outcome = run("headline_drift", warehouse, published=tmp_path / "none.duckdb")
    assert outcome.status == PASSED and "no published build yet" in outcome.notes[0]
    published = make_warehouse(tmp_path / "published.duckdb")
    connection = duckdb.connect(str(published))
    connection.execute("alter table marts.mart_logo_churn rename column customers_end to c")
    connection.close()
    outcome = run("headline_drift", warehouse, published=published)
    assert outcome.status == PASSED
    assert any("has no marts.mart_logo_churn.customers_end" in note for note in outcome.notes)


# ------------------------------------------------------------------- errors are never a pass


def test_a_relation_that_cannot_be_read_is_an_error(tmp_path):
    warehouse = make_warehouse(tmp_path / "w.duckdb")
    connection = duckdb.connect(str(warehouse))
    connection.execute("drop table audit.row_reconciliation")
    connection.close()
    outcome = run("raw_volume", warehouse)
    assert outcome.status == ERRORED and "could not read data" in outcome.summary


def test_a_missing_warehouse_is_an_error(tmp_path):
    outcome = run("raw_volume", tmp_path / "nothing.duckdb")
    assert outcome.status == ERRORED and "does not exist" in outcome.summary


def test_an_expectation_that_raises_inside_gx_is_an_error(tmp_path):
    without_change = replace(
        SUITES["raw_volume"], load=lambda context: (pd.DataFrame({"emptied": [False]}), ())
    )
    warehouse = make_warehouse(tmp_path / "w.duckdb")
    outcome = run_suites(warehouse, [without_change], RELATIONS, QUALITY, None, warehouse)[0]
    assert outcome.status == ERRORED and "GX raised" in outcome.summary
    assert "change" in outcome.summary


def test_an_exception_inside_gx_is_an_error_not_a_pass(tmp_path, monkeypatch):
    import great_expectations as gx

    def broken_run(self, *args, **kwargs):
        raise RuntimeError("list index out of range")

    monkeypatch.setattr(gx.ValidationDefinition, "run", broken_run)
    outcome = run("raw_volume", make_warehouse(tmp_path / "w.duckdb"))
    assert outcome.status == ERRORED and "list index out of range" in outcome.summary


# ------------------------------------------------------------------- as Dagster asset checks


@pytest.mark.parametrize(("previous_rows", "passed"), [(40, True), (400, False)])
def test_suites_are_blocking_checks_with_the_last_publish_as_baseline(
    tmp_path, previous_rows, passed
):
    from orchestration.gx_checks import build_gx_checks
    from orchestration.translator import CustomerSuccessTranslator

    warehouse = make_warehouse(tmp_path / "w.duckdb")
    settings = replace(
        Settings.from_env(),
        warehouse_path=warehouse,
        serving_path=tmp_path / "serving.duckdb",
        data_docs_dir=tmp_path / "docs",
    )
    instance = dg.DagsterInstance.ephemeral()
    raw = {table: {"read": previous_rows, "quarantined": 0} for table in ("tickets",)}
    instance.report_runless_asset_event(
        dg.AssetMaterialization(
            PUBLISH_KEY,
            metadata={
                "serving_path": dg.MetadataValue.path(str(settings.serving_path)),
                "raw_rows": dg.MetadataValue.json(raw),
            },
        )
    )
    translator = CustomerSuccessTranslator()
    defs = dg.Definitions(
        assets=[dg.AssetSpec(translator.get_asset_key(model)) for model in MODELS.values()],
        asset_checks=[build_gx_checks(MODELS, translator)],
        jobs=[dg.define_asset_job("checks", selection=dg.AssetSelection.all_asset_checks())],
        resources={"settings": settings},
    )
    result = defs.resolve_job_def("checks").execute_in_process(
        instance=instance, raise_on_error=False
    )
    evaluations = {
        event.event_specific_data.check_name: event.event_specific_data
        for event in result.all_events
        if event.event_type_value == "ASSET_CHECK_EVALUATION"
    }
    assert set(evaluations) == {"gx_raw_volume", "gx_raw_freshness", "gx_headline_drift"}
    volume = evaluations["gx_raw_volume"]
    assert volume.passed is passed and volume.severity == dg.AssetCheckSeverity.ERROR
    assert "compared with the published build" in str(volume.metadata["notes"])
    # a failed blocking check fails its step (so nothing downstream runs); a pass does not
    assert result.success is passed
    assert (settings.data_docs_dir / "index.html").exists()
