"""Parquet exports: every public mart of the serving file, identical rows, swapped in whole."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from orchestration.report.exports import export_marts
from tests.serving.conftest import ServingWorkspace

CONTRACT_MARTS = {
    "fct_mrr_movements", "mart_revenue_retention", "mart_logo_churn", "mart_unit_economics",
    "fct_customer_lifetime", "mart_nps", "mart_customer_experience", "mart_survey_response_rate",
    "mart_support_kpis", "mart_ticket_categories", "mart_agent_performance",
    "mart_trial_conversion", "mart_referrals", "mart_onboarding", "mart_customer_health",
}  # fmt: skip


@pytest.fixture(scope="module")
def exported(serving_workspace: ServingWorkspace) -> tuple[Path, dict[str, int]]:
    directory = serving_workspace.root / "exports"
    (directory).mkdir()
    (directory / "stale_mart.parquet").write_bytes(b"left over from an older build")
    return directory, export_marts(serving_workspace.serving, directory)


def test_every_public_mart_is_exported_with_identical_rows(serving_workspace, exported):
    directory, counts = exported
    marts = {name for (name,) in serving_workspace.query(
        "select table_name from information_schema.tables where table_schema = 'marts'"
    )}  # fmt: skip
    assert marts >= CONTRACT_MARTS
    assert set(counts) == marts
    assert {path.stem for path in directory.glob("*.parquet")} == marts  # stale file gone
    connection = duckdb.connect(str(serving_workspace.serving), read_only=True)
    try:
        for mart in sorted(marts):
            parquet = str(directory / f"{mart}.parquet")
            table = f"marts.{mart}"
            exported_rows = connection.execute(
                f"select count(*) from read_parquet('{parquet}')"
            ).fetchone()[0]
            assert exported_rows == counts[mart]
            assert (
                exported_rows == connection.execute(f"select count(*) from {table}").fetchone()[0]
            )
            differing = connection.execute(
                f"select count(*) from ((select * from {table} except all "
                f"select * from read_parquet('{parquet}')) union all "
                f"(select * from read_parquet('{parquet}') except all select * from {table}))"
            ).fetchone()[0]
            assert differing == 0, mart
    finally:
        connection.close()
    assert counts["mart_revenue_retention"] > 0


def test_a_failed_export_leaves_the_previous_exports(serving_workspace, exported, tmp_path):
    directory, _ = exported
    before = sorted(path.name for path in directory.iterdir())
    with pytest.raises(FileNotFoundError):
        export_marts(tmp_path / "missing.duckdb", directory)
    assert sorted(path.name for path in directory.iterdir()) == before
    assert not list(directory.parent.glob(f".{directory.name}.*"))
