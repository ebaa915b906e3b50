"""Parquet exports: every public mart of the serving file, identical rows, swapped in whole
without a gap; a failed swap keeps the previous set; nothing is left over."""

from __future__ import annotations

import hashlib
import os
import threading
from decimal import Decimal
from pathlib import Path

import duckdb
import pandas
import pytest

from customer_success.report import exports as exports_module
from customer_success.report.exports import export_marts
from tests.serving.conftest import ServingWorkspace

CONTRACT_MARTS = {
    "fct_mrr_movements", "mart_revenue_retention", "mart_logo_churn", "mart_unit_economics",
    "fct_customer_lifetime", "mart_nps", "mart_customer_experience", "mart_survey_response_rate",
    "mart_support_kpis", "mart_ticket_categories", "mart_agent_performance",
    "mart_trial_conversion", "mart_referrals", "mart_onboarding", "mart_customer_health",
    "mart_churn_reasons", "mart_cohort_retention", "dim_customers",
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


def fingerprint(directory: Path) -> dict[str, str]:
    return {
        path.name: hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(directory.iterdir())
    }


def hidden(directory: Path) -> list[str]:
    """The names beside the exports path: sets, leftovers, the lock file."""
    return sorted(path.name for path in directory.parent.glob(f".{directory.name}.*"))


def leftovers(directory: Path, previous: str | None) -> list[str]:
    """Everything beside the exports path but its set, the previous set and the lock file."""
    keep = {directory.resolve().name, previous, f".{directory.name}.lock"}
    return [name for name in hidden(directory) if name not in keep]


def test_exports_are_a_link_to_one_whole_set_and_nothing_is_left_over(
    serving_workspace, exported, tmp_path
):
    directory, _ = exported
    assert directory.is_symlink() and directory.resolve().parent == directory.parent.resolve()
    (directory.parent / f".{directory.name}.0123456789ab.link").touch()  # a killed export's
    (directory.parent / f".{directory.name}.ba9876543210").mkdir()
    first = directory.resolve().name
    export_marts(serving_workspace.serving, directory)
    second = directory.resolve().name
    export_marts(serving_workspace.serving, directory)
    assert first not in hidden(directory)  # the set before the previous one is removed
    assert leftovers(directory, previous=second) == []


def test_a_failed_swap_leaves_the_previous_exports(serving_workspace, exported, monkeypatch):
    directory, _ = exported
    before, current = fingerprint(directory), directory.resolve().name
    names_before = hidden(directory)
    real_replace, reached = os.replace, []

    def failing_replace(source, destination):
        if Path(destination) == directory:  # the swap itself
            reached.append(source)
            raise OSError("disk full")
        real_replace(source, destination)

    monkeypatch.setattr(exports_module.os, "replace", failing_replace)
    with pytest.raises(OSError, match="disk full"):
        export_marts(serving_workspace.serving, directory)
    assert reached, "the export never got to the swap"
    assert directory.resolve().name == current and fingerprint(directory) == before
    assert hidden(directory) == names_before  # the new set and its link are removed


def test_readers_never_find_the_exports_missing_during_a_swap(serving_workspace, exported):
    directory, counts = exported
    probe = directory / "mart_nps.parquet"
    first = directory.resolve().name
    stop, misses, looks = threading.Event(), [], [0]

    def watch() -> None:
        while not stop.is_set():
            looks[0] += 1
            if not probe.exists() or len(list(directory.glob("*.parquet"))) != len(counts):
                misses.append(looks[0])

    watcher = threading.Thread(target=watch)
    watcher.start()
    try:
        for _ in range(3):
            export_marts(serving_workspace.serving, directory)
    finally:
        stop.set()
        watcher.join()
    assert looks[0] > 10 and misses == []
    assert first not in hidden(directory)


NUMERIC = ("DECIMAL", "DOUBLE", "FLOAT", "BIGINT", "INTEGER", "SMALLINT", "TINYINT", "HUGEINT")


def test_pandas_reads_numbers_as_numbers_and_dates_as_datetimes(serving_workspace, exported):
    directory, counts = exported
    columns = serving_workspace.query(
        "select table_name, column_name, data_type from duckdb_columns() "
        "where schema_name = 'marts' order by table_name, column_index"
    )
    kinds: dict[str, set[str]] = {"numeric": set(), "date": set()}
    for mart, column, data_type in columns:
        frame = pandas.read_parquet(directory / f"{mart}.parquet", columns=[column])
        dtype, base = frame[column].dtype, data_type.split("(")[0]
        if base in NUMERIC:
            assert pandas.api.types.is_numeric_dtype(dtype), (mart, column, data_type, dtype)
            assert not pandas.api.types.is_bool_dtype(dtype), (mart, column, dtype)
            kinds["numeric"].add(base)
        elif base in ("DATE", "TIMESTAMP"):
            assert pandas.api.types.is_datetime64_dtype(dtype), (mart, column, data_type, dtype)
            kinds["date"].add(base)
        elif base == "VARCHAR":
            assert pandas.api.types.is_string_dtype(dtype), (mart, column, dtype)
        else:
            assert not pandas.api.types.is_object_dtype(dtype), (mart, column, data_type, dtype)
    assert {"DECIMAL", "DOUBLE", "BIGINT"} <= kinds["numeric"] and "DATE" in kinds["date"]


def test_exported_money_and_dates_equal_the_serving_values(serving_workspace, exported):
    directory, _ = exported
    frame = pandas.read_parquet(directory / "mart_revenue_retention.parquet")
    served = serving_workspace.query(
        "select month, segment, ending_mrr from marts.mart_revenue_retention"
    )
    assert len(served) == len(frame) > 0
    exported_rows = {
        (row.month.date(), row.segment): row.ending_mrr for row in frame.itertuples(index=False)
    }
    for month, segment, ending_mrr in served:
        value = exported_rows[(month, segment)]
        # float64 holds every cent exactly up to 2**53 / 100 (about 90 trillion): rounding to two
        # decimals gives back the exact DECIMAL
        if ending_mrr is None:
            assert pandas.isna(value)
        else:
            assert Decimal(f"{value:.2f}") == ending_mrr
