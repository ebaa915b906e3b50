"""The Great Expectations suites on hand-made data: bad data fails, a GX exception is an error
(never a pass), a mart that is not built is skipped and says so, and through Dagster the suites
become blocking asset checks with ERROR severity."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import dagster as dg
import duckdb
import pandas as pd
import pytest

from orchestration.quality import suites as catalogue
from orchestration.quality.runner import (
    ERRORED,
    FAILED,
    NOT_BUILT,
    PASSED,
    WARNED,
    run_suites,
    validate,
)
from orchestration.quality.suites import SuiteInputs
from orchestration.settings import QualitySettings

QUALITY = QualitySettings(
    volume_max_drop=0.5,
    volume_max_growth=1.0,
    freshness_min_lag_days=3,
    freshness_gap_factor=3.0,
    freshness_window_days=90,
)
SPINE = ("2025-01-01", "2025-02-01", "2025-03-01")
SUITES = {suite.name: suite for suite in catalogue.SUITES}


def retention_frame() -> pd.DataFrame:
    rows = []
    for month in SPINE:
        for segment in catalogue.SEGMENTS_WITH_ALL:
            rows.append(
                {
                    "month": month,
                    "segment": segment,
                    "starting_mrr": 100.0,
                    "ending_mrr": 105.0,
                    "new_mrr": 10.0,
                    "reactivation_mrr": 0.0,
                    "expansion_mrr": 5.0,
                    "contraction_mrr": 4.0,
                    "churned_mrr": 6.0,
                    "arr": 1260.0,
                    "gross_revenue_churn_rate": 0.1,
                    "net_revenue_churn_rate": 0.05,
                    "grr": 0.9,
                    "nrr": 0.95,
                    "nrr_12m": None,
                    "grr_12m": None,
                    "arpa": 10.5,
                }
            )
    return pd.DataFrame(rows)


def inputs(frame: pd.DataFrame) -> SuiteInputs:
    return SuiteInputs(frame=frame, spine_months=SPINE, as_of_date=None, quality=QUALITY)


def run_one(name: str, frame: pd.DataFrame):
    suite = SUITES[name]
    return validate([suite], {suite.name: inputs(frame)})[0]


def test_good_mart_passes():
    outcome = run_one("mart_revenue_retention", retention_frame())
    assert outcome.status == PASSED, outcome.failures
    assert outcome.evaluated == outcome.succeeded > 20


def test_out_of_range_rates_and_a_missing_month_fail():
    frame = retention_frame()
    frame.loc[0, "grr"] = 1.5
    frame.loc[1, "starting_mrr"] = -1.0
    frame = frame[frame["month"] != "2025-02-01"]
    outcome = run_one("mart_revenue_retention", frame)
    assert outcome.status == FAILED and outcome.blocks_publishing
    failures = "\n".join(outcome.failures)
    assert "'column': 'grr'" in failures and "1.5" in failures
    assert "'column': 'starting_mrr'" in failures
    assert "expect_column_distinct_values_to_equal_set" in failures  # the month gap
    assert "expect_table_row_count_to_equal" in failures


def test_net_revenue_churn_may_be_negative_but_not_above_one():
    frame = retention_frame()
    frame["net_revenue_churn_rate"] = -0.3
    frame["nrr"] = 1.3
    assert run_one("mart_revenue_retention", frame).status == PASSED
    frame.loc[0, "net_revenue_churn_rate"] = 1.2
    assert run_one("mart_revenue_retention", frame).status == FAILED


def test_nps_outside_minus_100_to_100_fails():
    frame = pd.DataFrame(
        [
            {
                "month": month,
                "segment": segment,
                "responses": 2,
                "promoters": 1,
                "passives": 1,
                "detractors": 0,
                "pct_promoters": 0.5,
                "pct_detractors": 0.0,
                "nps": 50.0,
            }
            for month in SPINE
            for segment in catalogue.SEGMENTS_WITH_ALL
        ]
    )
    assert run_one("mart_nps", frame).status == PASSED
    frame.loc[3, "nps"] = -140.0
    outcome = run_one("mart_nps", frame)
    assert outcome.status == FAILED
    assert any("'column': 'nps'" in failure for failure in outcome.failures)


def test_only_warning_expectations_failing_is_a_warning():
    frame = retention_frame()
    frame["grr"] = 0.3  # valid, but a base losing 70% a month on average is suspicious
    frame["gross_revenue_churn_rate"] = 0.7
    outcome = run_one("mart_revenue_retention", frame)
    assert outcome.status == WARNED and not outcome.blocks_publishing
    assert all(failure.startswith("[warn]") for failure in outcome.failures)


def test_a_missing_column_makes_gx_raise_and_the_suite_an_error():
    outcome = run_one("mart_revenue_retention", retention_frame().drop(columns=["grr"]))
    assert outcome.status == ERRORED and outcome.blocks_publishing
    assert "GX raised" in outcome.summary and "grr" in outcome.summary


def test_an_exception_building_the_suite_is_an_error_not_a_pass():
    def explode(_inputs):
        raise ValueError("broken suite")

    suite = replace(SUITES["mart_nps"], expectations=explode)
    outcome = validate([suite], {suite.name: inputs(pd.DataFrame({"month": list(SPINE)}))})[0]
    assert outcome.status == ERRORED and "broken suite" in outcome.summary


def test_an_exception_inside_gx_is_an_error_not_a_pass(monkeypatch):
    import great_expectations as gx

    def broken_run(self, *args, **kwargs):
        raise RuntimeError("list index out of range")

    monkeypatch.setattr(gx.ValidationDefinition, "run", broken_run)
    outcome = run_one("mart_revenue_retention", retention_frame())
    assert outcome.status == ERRORED and "list index out of range" in outcome.summary


# ------------------------------------------------------------------- suites reading a warehouse


def make_warehouse(path: Path, statements: list[str]) -> Path:
    connection = duckdb.connect(str(path))
    for statement in [
        "create schema if not exists marts",
        "create schema if not exists intermediate",
        "create schema if not exists audit",
        "create schema if not exists staging",
        "create table intermediate.int_months_spine as select cast(month as date) as month "
        "from (values ('2025-01-01'), ('2025-02-01'), ('2025-03-01')) as spine(month)",
        *statements,
    ]:
        connection.execute(statement)
    connection.close()
    return path


RELATIONS = {
    "int_months_spine": ("intermediate", "int_months_spine"),
    "mart_nps": ("marts", "mart_nps"),
    "row_reconciliation": ("audit", "row_reconciliation"),
    "int_as_of_date": ("intermediate", "int_as_of_date"),
    "stg_support__tickets": ("staging", "stg_support__tickets"),
}


def test_a_mart_not_in_the_warehouse_is_skipped_with_a_not_built_message(tmp_path):
    warehouse = make_warehouse(tmp_path / "w.duckdb", [])
    outcome = run_suites(warehouse, [SUITES["mart_nps"]], RELATIONS, None, QUALITY)[0]
    assert outcome.status == NOT_BUILT
    assert outcome.summary.startswith("skipped, not built: marts.mart_nps")


VOLUME_TABLES = [
    "create table audit.row_reconciliation as select * from (values "
    "('tickets', 40, 0), ('invoices', 300, 0), ('customers', 100, 0)) "
    "as t(source_table, rows_read, rows_quarantined)",
    "create table audit.build_log as select 'run-0' as run_id, "
    "timestamp '2025-01-01 05:00' as finished_at",
    "create table audit.raw_volume_history as select 'run-0' as run_id, * from (values "
    "('tickets', 100), ('invoices', 100), ('customers', 100)) as t(source_table, rows_read)",
]


def test_raw_volume_compares_with_the_previous_published_run(tmp_path):
    warehouse = make_warehouse(tmp_path / "w.duckdb", VOLUME_TABLES)
    outcome = run_suites(warehouse, [SUITES["raw_volume"]], RELATIONS, None, QUALITY)[0]
    # tickets lost 60% of its rows (error); invoices tripled (warning)
    assert outcome.status == FAILED
    failures = "\n".join(outcome.failures)
    assert "-0.6" in failures and "[warn]" in failures and "2.0" in failures
    assert "compared with the published run run-0" in outcome.notes[0]


def test_raw_volume_without_a_previous_run_passes_and_says_so(tmp_path):
    warehouse = make_warehouse(tmp_path / "w.duckdb", VOLUME_TABLES[:1])
    outcome = run_suites(warehouse, [SUITES["raw_volume"]], RELATIONS, None, QUALITY)[0]
    assert outcome.status == PASSED
    assert "no previous published run" in outcome.notes[0]


def freshness_warehouse(path: Path, as_of: str) -> Path:
    return make_warehouse(
        path,
        [
            f"create table intermediate.int_as_of_date as select date '{as_of}' as as_of_date",
            "create table staging.stg_support__tickets as select "
            "timestamp '2025-01-01' + to_days(cast(day * 2 as integer)) as created_at "
            "from range(0, 45) as days(day)",
        ],
    )


def test_raw_data_that_stops_long_before_as_of_date_is_stale(tmp_path):
    # tickets every 2 days until 2025-03-31
    fresh = freshness_warehouse(tmp_path / "fresh.duckdb", "2025-04-01")
    suite = replace(SUITES["raw_freshness"], reads=("stg_support__tickets",))
    outcome = run_suites(fresh, [suite], RELATIONS, None, QUALITY)[0]
    assert outcome.status == PASSED, outcome.failures
    stale = freshness_warehouse(tmp_path / "stale.duckdb", "2025-06-30")
    outcome = run_suites(stale, [suite], RELATIONS, None, QUALITY)[0]
    assert outcome.status == FAILED


# ------------------------------------------------------------------- as Dagster asset checks


@pytest.mark.parametrize(
    ("nps_column", "passed_expected", "summary"),
    [("nps", True, "expectations met"), ("nps_renamed", False, "GX raised")],
)
def test_suites_run_as_blocking_dagster_checks(tmp_path, nps_column, passed_expected, summary):
    from orchestration.quality.checks import build_gx_checks
    from orchestration.resources import WarehouseResource
    from orchestration.translator import CustomerSuccessTranslator

    warehouse = make_warehouse(
        tmp_path / "w.duckdb",
        [
            "create table marts.mart_nps as select month, segment, 2 as responses, "
            "1 as promoters, 1 as passives, 0 as detractors, 0.5 as pct_promoters, "
            f"0.0 as pct_detractors, 50.0 as {nps_column} "
            "from intermediate.int_months_spine cross join (values ('smb'), ('mid_market'), "
            "('enterprise'), ('all')) as segments(segment)"
        ],
    )
    models = {
        name: {
            "name": name,
            "schema": schema,
            "alias": alias,
            "resource_type": "model",
            "original_file_path": f"models/x/{name}.sql",
            "meta": {},
            "config": {},
        }
        for name, (schema, alias) in RELATIONS.items()
        if name in ("int_months_spine", "mart_nps")
    }
    checks = build_gx_checks(models, CustomerSuccessTranslator())
    assert checks is not None and [k.name for k in checks.check_keys] == ["gx_mart_nps"]
    docs = tmp_path / "docs"
    defs = dg.Definitions(
        assets=[dg.AssetSpec("mart_nps"), dg.AssetSpec("int_months_spine")],
        asset_checks=[checks],
        jobs=[dg.define_asset_job("checks_only", selection=dg.AssetSelection.all_asset_checks())],
        resources={
            "warehouse": WarehouseResource(
                warehouse_path=str(warehouse),
                serving_path=str(tmp_path / "s.duckdb"),
                data_docs_dir=str(docs),
            )
        },
    )
    result = defs.resolve_job_def("checks_only").execute_in_process(raise_on_error=False)
    evaluations = [
        event.event_specific_data
        for event in result.all_events
        if event.event_type_value == "ASSET_CHECK_EVALUATION"
    ]
    assert len(evaluations) == 1
    evaluation = evaluations[0]
    assert evaluation.passed is passed_expected
    assert evaluation.severity == dg.AssetCheckSeverity.ERROR
    assert summary in evaluation.description
    # a failed blocking check fails its step (so nothing downstream runs); a pass does not
    assert result.success is passed_expected
    if passed_expected:
        assert (docs / "index.html").exists()
