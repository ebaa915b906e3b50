"""The Dagster freshness checks of the raw tables (against the wall clock) on hand-made
warehouses, and the freshness policy of the published assets."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from customer_success.quality import QualitySettings
from orchestration.freshness import build_raw_freshness_checks, with_publish_freshness
from orchestration.settings import Settings
from orchestration.translator import CustomerSuccessTranslator
from tests.quality.test_suites import MODELS

RAW_TICKETS = dg.AssetKey(["raw", "support", "tickets"])
QUALITY = QualitySettings()


def make_warehouse(path: Path, days_since_last_ticket: int) -> Path:
    """Tickets every 2 days for 90 days, the last one ``days_since_last_ticket`` days ago."""
    last = datetime.now(UTC).date() - timedelta(days=days_since_last_ticket)
    connection = duckdb.connect(str(path))
    connection.execute("create schema staging")
    connection.execute(
        "create table staging.stg_support__tickets as select "
        "cast(? as date) - to_days(cast(day * 2 as integer)) as created_at "
        "from range(0, 45) as days(day)",
        [last],
    )
    connection.close()
    return path


def evaluate(warehouse: Path, quality: QualitySettings = QUALITY):
    translator = CustomerSuccessTranslator()
    checks = build_raw_freshness_checks(MODELS, {"tickets": RAW_TICKETS}, translator)
    settings = replace(Settings.from_env(), warehouse_path=warehouse, quality=quality)
    staging = translator.get_asset_key(MODELS["stg_support__tickets"])
    defs = dg.Definitions(
        assets=[dg.AssetSpec(RAW_TICKETS), dg.AssetSpec(staging)],
        asset_checks=[checks],
        resources={"settings": settings},
    )
    result = defs.resolve_implicit_global_asset_job_def().execute_in_process(
        instance=dg.DagsterInstance.ephemeral()
    )
    (evaluation,) = result.get_asset_check_evaluations()
    return evaluation


def test_a_feed_within_its_rhythm_is_fresh(tmp_path):
    evaluation = evaluate(make_warehouse(tmp_path / "w.duckdb", days_since_last_ticket=1))
    assert evaluation.asset_key == RAW_TICKETS and evaluation.check_name == "freshness"
    assert evaluation.passed, evaluation.description
    metadata = {key: value.value for key, value in evaluation.metadata.items()}
    # events every 2 days: allowed lag max(3 days, 3 x 2 days)
    assert (metadata["lag_days"], metadata["allowed_lag_days"]) == (1, 6)


def test_a_feed_behind_its_rhythm_is_a_warning_with_the_same_thresholds_as_gx(tmp_path):
    stale = evaluate(make_warehouse(tmp_path / "w.duckdb", days_since_last_ticket=7))
    assert not stale.passed and stale.severity == dg.AssetCheckSeverity.WARN
    assert "7 days before" in stale.description and "(allowed 6)" in stale.description
    # CS_FRESHNESS_MIN_LAG_DAYS is the floor of the allowed lag, as in the GX suite
    tolerant = evaluate(
        make_warehouse(tmp_path / "w2.duckdb", days_since_last_ticket=7),
        QualitySettings(freshness_min_lag_days=10),
    )
    assert tolerant.passed


def test_a_table_without_any_event_is_a_warning(tmp_path):
    evaluation = evaluate(make_warehouse(tmp_path / "w.duckdb", days_since_last_ticket=-200))
    assert not evaluation.passed and "no event on or before" in evaluation.description


@pytest.mark.parametrize(("value", "hours"), [(None, 26), ("6", 6)])
def test_the_published_assets_carry_the_freshness_policy(monkeypatch, value, hours):
    if value is None:
        monkeypatch.delenv("CS_FRESHNESS_PUBLISH_MAX_HOURS", raising=False)
    else:
        monkeypatch.setenv("CS_FRESHNESS_PUBLISH_MAX_HOURS", value)

    @dg.asset
    def serving_warehouse() -> None:
        pass

    (published,) = with_publish_freshness([serving_warehouse], Settings.from_env())
    policy = published.specs_by_key[dg.AssetKey("serving_warehouse")].freshness_policy
    assert policy.fail_window.to_timedelta() == timedelta(hours=hours)


def test_a_bad_publish_age_is_refused(monkeypatch):
    from orchestration.settings import SettingError

    monkeypatch.setenv("CS_FRESHNESS_PUBLISH_MAX_HOURS", "0.5")
    with pytest.raises(SettingError, match="CS_FRESHNESS_PUBLISH_MAX_HOURS must be >= 1"):
        Settings.from_env()
