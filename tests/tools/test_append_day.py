"""Tests of ``tools.generate_data --append-day`` (tools/generate_data/append_day.py)."""

from __future__ import annotations

import shutil
from datetime import date, timedelta
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest

from tools.generate_data.cli import main

END = date(2025, 6, 30)
NEW_DAY = END + timedelta(days=1)
LATE_DAY = NEW_DAY - timedelta(days=2)
GROWING = (
    "customers",
    "subscriptions",
    "invoices",
    "tickets",
    "ticket_interactions",
    "survey_invitations",
    "survey_responses",
    "product_usage",
    "engagement_events",
)


def reader(path: Path) -> str:
    if path.suffix == ".parquet":
        return f"read_parquet('{path}')"
    return f"read_csv('{path}', header = true, all_varchar = true)"


def query(raw: Path, table: str, fmt: str, sql: str) -> list[tuple]:
    with duckdb.connect() as con:
        con.execute(f"create view t as select * from {reader(raw / f'{table}.{fmt}')}")
        return con.execute(sql).fetchall()


@pytest.fixture(scope="module", params=["csv", "parquet"])
def appended(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> dict:
    fmt = request.param
    root = tmp_path_factory.mktemp(f"append_{fmt}")
    before, after = root / "before", root / "after"
    main(["--out", str(before), "--customers", "40", "--format", fmt, "--seed", "5"])
    shutil.copytree(before, after)
    assert main(["--out", str(after), "--append-day", "--inject-bad-rows", "--seed", "5"]) == 0
    return {"fmt": fmt, "before": before, "after": after}


def count(raw: Path, table: str, fmt: str) -> int:
    return query(raw, table, fmt, "select count(*) from t")[0][0]


def test_every_fact_grows_and_nothing_old_is_lost(appended: dict) -> None:
    fmt, before, after = appended["fmt"], appended["before"], appended["after"]
    for table in GROWING:
        assert count(after, table, fmt) > count(before, table, fmt), table
    for table in ("plans", "agents", "fx_rates", "expenses"):
        assert count(after, table, fmt) == count(before, table, fmt), table
    key = "invoice_id"
    kept = query(
        after,
        "invoices",
        fmt,
        f"select count(distinct {key}) from t where {key} in "
        f"(select {key} from {reader(before / f'invoices.{fmt}')})",
    )[0][0]
    assert kept == count(before, "invoices", fmt)


def test_new_rows_are_dated_the_new_day_or_late(appended: dict) -> None:
    fmt, after = appended["fmt"], appended["after"]
    dates = query(
        after,
        "tickets",
        fmt,
        "select distinct cast(try_cast(replace(cast(created_at as varchar), 'Z', '') "
        "as timestamp) as date) from t order by 1 desc limit 3",
    )
    assert dates[0][0] == NEW_DAY
    usage_days = {
        row[0]
        for row in query(
            after, "product_usage", fmt, "select distinct cast(usage_date as date) from t"
        )
    }
    assert max(usage_days) == NEW_DAY and LATE_DAY in usage_days
    late_tickets = query(
        after,
        "tickets",
        fmt,
        "select count(*) from t where cast(try_cast(replace(cast(created_at as varchar), 'Z', '') "
        f"as timestamp) as date) = date '{LATE_DAY}' and ticket_id not in "
        f"(select ticket_id from {reader(appended['before'] / f'tickets.{fmt}')})",
    )[0][0]
    assert late_tickets >= 1


def test_a_subscription_change_closes_the_running_version(appended: dict) -> None:
    fmt, after = appended["fmt"], appended["after"]
    closed = query(
        after,
        "subscriptions",
        fmt,
        f"select subscription_id from t where cast(valid_to as date) = date '{NEW_DAY}'",
    )
    opened = {
        row[0]
        for row in query(
            after,
            "subscriptions",
            fmt,
            f"select subscription_id from t where cast(valid_from as date) = date '{NEW_DAY}'",
        )
    }
    assert closed, "some running versions must end on the new day"
    assert opened & {row[0] for row in closed}, "an upgrade opens a new version of the same id"


def test_bad_rows_a_late_twin_and_an_exact_duplicate(appended: dict) -> None:
    fmt, after = appended["fmt"], appended["after"]
    twins = query(
        after, "tickets", fmt, "select ticket_id from t group by ticket_id having count(*) = 2"
    )
    assert len(twins) == 1
    duplicates = query(
        after,
        "product_usage",
        fmt,
        "select count(*) from (select * from t group by all having count(*) > 1)",
    )[0][0]
    assert duplicates >= 1


def test_same_input_same_output_and_parquet_types_kept(appended: dict, tmp_path: Path) -> None:
    fmt, before, after = appended["fmt"], appended["before"], appended["after"]
    again = tmp_path / "again"
    shutil.copytree(before, again)
    main(["--out", str(again), "--append-day", "--inject-bad-rows", "--seed", "5"])
    for table in GROWING:
        first = query(after, table, fmt, "select * from t order by all")
        assert first == query(again, table, fmt, "select * from t order by all"), table
        if fmt == "parquet":
            types_before = [(f.name, f.type) for f in pq.read_schema(before / f"{table}.parquet")]
            types_after = [(f.name, f.type) for f in pq.read_schema(after / f"{table}.parquet")]
            assert types_after == types_before, table
