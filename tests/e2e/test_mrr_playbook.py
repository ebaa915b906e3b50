"""End to end: the revenue marts against dbt-labs/mrr-playbook's sample (issue 3).

``subscription_periods.csv`` (subscription_id, customer_id, start_date, end_date exclusive,
monthly_amount) maps onto the raw contract as one customer per customer_id and one monthly USD
subscription version per row; the other required tables are header-only (plans: one row). dbt
builds fct_mrr_movements and mart_revenue_retention with an explicit as_of_date, in its own
warehouse. The expected monthly totals below were worked out by hand from the CSV.

Unlike the playbook, whose spine starts at 2018-01-01 (so its first month counts every active
customer as new), our spine starts at the earliest valid_from: 2017-09-01. Versions start and
end on the first of a month, so a version is in force at s(m) (the last day of m) exactly in the
months start_date <= m < end_date.
"""

from __future__ import annotations

import csv
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from customer_success.raw_contract import load_raw_contract, segments
from tests.dbt_runner import isolated_env, run_dbt

PLAYBOOK = Path(__file__).parent / "fixtures" / "mrr_playbook" / "subscription_periods.csv"
AS_OF = "2020-02-29"
SEGMENTS = segments()
# The required raw tables, written with the contract's columns (the optional ones are left out).
REQUIRED_TABLES = {name: spec for name, spec in load_raw_contract().items() if spec.required}

MOVEMENT_COLUMNS = (
    "starting_mrr",
    "ending_mrr",
    "new_mrr",
    "reactivation_mrr",
    "expansion_mrr",
    "contraction_mrr",
    "churned_mrr",
)

# Hand-computed totals of segment 'all' (new, reactivation, expansion, contraction, churned).
EXPECTED = {
    # 2017-09: sub 4 (customer 2, 25) and sub 5 (customer 3, 50) start: 0 + 25 + 50 = 75, 2 new.
    "2017-09-01": dict(starting_mrr=0, ending_mrr=75, new_mrr=75),
    # 2017-10: customer 3 ends (sub 5 to 2017-10-01): churned 50; customer 4 starts (sub 6, 25):
    # new 25; customer 2 retained. 75 + 25 - 50 = 50.
    "2017-10-01": dict(starting_mrr=75, ending_mrr=50, new_mrr=25, churned_mrr=50),
    # 2017-11: customers 2 and 4 both end on 2017-11-01: churned 25 + 25 = 50. 50 - 50 = 0.
    "2017-11-01": dict(starting_mrr=50, ending_mrr=0, churned_mrr=50),
    # 2017-12: nobody active and nobody churning: a row of zeros, not a missing row.
    "2017-12-01": dict(starting_mrr=0, ending_mrr=0),
    # 2018-06 (May: customer 7 at 70, customer 6 at 35, customer 9 at 85 = 190):
    # customer 6 35 -> 65 (expansion 30), customer 9 85 -> 75 (contraction 10), customer 12 new at
    # 25, customer 7 retained at 70. 190 + 25 + 30 - 10 = 235 = 70 + 65 + 75 + 25.
    "2018-06-01": dict(
        starting_mrr=190, ending_mrr=235, new_mrr=25, expansion_mrr=30, contraction_mrr=10
    ),
    # 2018-09 (August: 7 at 70, 6 at 65, 9 at 75, 12 at 50 after July's 25 -> 50 = 260):
    # customer 10 (active 2018-04, churned 2018-05) comes back at 50: reactivation 50;
    # customer 11 new at 30. 260 + 30 + 50 = 340.
    "2018-09-01": dict(starting_mrr=260, ending_mrr=340, new_mrr=30, reactivation_mrr=50),
    # 2019-12: the 28 versions running to 2020-01-01 (subs 13, 15, 21, 29, 31, 33, 35, 43, 45, 47,
    # 55, 59, 67, 69, 72, 76, 84, 86, 90, 94, 96, 101, 103, 108, 110, 111, 116, 118):
    # 40+65+75+35+50+50+50+25+30+25+95+50+50+60+45+125+25+25+25+25+25+50+50+25+35+50+25+25 = 1255.
    # 2020-01: all 28 end (churned 1255); customers 51 (50), 53 (50), 54 (25), 55 (50) start:
    # new 175. 1255 + 175 - 1255 = 175.
    "2020-01-01": dict(starting_mrr=1255, ending_mrr=175, new_mrr=175, churned_mrr=1255),
    # 2020-02 (the as_of month): the four January versions end on 2020-02-01: churned 175.
    "2020-02-01": dict(starting_mrr=175, ending_mrr=0, churned_mrr=175),
}

# Hand-computed logo counts of segment 'all' in 2020-01: 28 at the start, 28 churned, 4 new.
EXPECTED_2020_01_LOGOS = dict(start=28, new=4, reactivated=0, churned=28, end=4)


def write_raw(raw: Path) -> None:
    """The playbook's periods as raw files; every other required table header-only."""
    with PLAYBOOK.open(newline="", encoding="utf-8") as handle:
        periods = list(csv.DictReader(handle))
    customer_ids = sorted({row["customer_id"] for row in periods}, key=int)
    rows: dict[str, list[dict[str, str]]] = {
        "customers": [
            {
                "customer_id": customer_id,
                "customer_name": f"Customer {customer_id}",
                "segment": SEGMENTS[int(customer_id) % len(SEGMENTS)],
                "country": "US",
                "industry": "software",
                "signed_up_at": "2017-01-01T00:00:00Z",
                "acquisition_channel": "organic",
            }
            for customer_id in customer_ids
        ],
        "plans": [
            {
                "plan_id": "monthly",
                "plan_name": "Monthly",
                "tier": "pro",
                "billing_interval": "month",
                "list_price": "1",
                "currency": "USD",
            }
        ],
        "subscriptions": [
            {
                "subscription_id": row["subscription_id"],
                "customer_id": row["customer_id"],
                "plan_id": "monthly",
                "valid_from": row["start_date"],
                "valid_to": row["end_date"],
                "is_trial": "false",
                "seats": "1",
                "recurring_amount": row["monthly_amount"],
                "billing_interval": "month",
                "currency": "USD",
            }
            for row in periods
        ],
    }
    raw.mkdir(parents=True)
    for table, spec in REQUIRED_TABLES.items():
        with (raw / f"{table}.csv").open("w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=spec.column_names, lineterminator="\n")
            writer.writeheader()
            writer.writerows(rows.get(table, []))


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    workdir = tmp_path_factory.mktemp("mrr_playbook")
    raw = workdir / "raw"
    write_raw(raw)
    env = isolated_env(workdir, raw)
    run = run_dbt(
        [
            "build",
            "--select",
            "+fct_mrr_movements",
            "+mart_revenue_retention",
            "--indirect-selection",
            "cautious",
            # the dbt unit tests run once, in the oracle's build
            "--exclude-resource-type",
            "unit_test",
            "--vars",
            f"{{as_of_date: '{AS_OF}'}}",
        ],
        env,
    )
    assert run.returncode == 0, run.output[-4000:]
    return workdir / "warehouse.duckdb"


def query(warehouse: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        return connection.execute(sql).fetchall()


def test_spine_runs_from_first_valid_from_to_as_of_month(warehouse: Path) -> None:
    months = query(
        warehouse,
        "select min(month), max(month), count(distinct month), count(*) "
        "from marts.mart_revenue_retention",
    )[0]
    # 2017-09 .. 2020-02: 4 + 12 + 12 + 2 = 30 months, x 4 segments (3 + 'all') = 120 rows.
    assert [str(value) for value in months[:2]] == ["2017-09-01", "2020-02-01"]
    assert months[2:] == (30, 120)


@pytest.mark.parametrize("month", sorted(EXPECTED))
def test_hand_computed_monthly_totals(warehouse: Path, month: str) -> None:
    expected = {column: Decimal(0) for column in MOVEMENT_COLUMNS}
    expected.update({key: Decimal(value) for key, value in EXPECTED[month].items()})
    columns = ", ".join(MOVEMENT_COLUMNS)
    mart = query(
        warehouse,
        f"select {columns} from marts.mart_revenue_retention "
        f"where segment = 'all' and month = date '{month}'",
    )
    assert len(mart) == 1
    assert dict(zip(MOVEMENT_COLUMNS, mart[0], strict=True)) == expected
    sums = ", ".join(f"coalesce(sum({column}), 0)" for column in MOVEMENT_COLUMNS)
    fact = query(
        warehouse, f"select {sums} from marts.fct_mrr_movements where month = date '{month}'"
    )[0]
    assert dict(zip(MOVEMENT_COLUMNS, fact, strict=True)) == expected


def test_hand_computed_logo_counts(warehouse: Path) -> None:
    counts = query(
        warehouse,
        "select count(*) filter (where starting_mrr > 0), "
        "count(*) filter (where movement = 'new'), "
        "count(*) filter (where movement = 'reactivation'), "
        "count(*) filter (where movement = 'churn'), "
        "count(*) filter (where ending_mrr > 0) "
        "from marts.fct_mrr_movements where month = date '2020-01-01'",
    )[0]
    assert counts == tuple(EXPECTED_2020_01_LOGOS.values())
    assert query(
        warehouse,
        "select customers_end from marts.mart_revenue_retention "
        "where segment = 'all' and month = date '2020-01-01'",
    ) == [(4,)]


def test_movement_identity_every_month_and_row(warehouse: Path) -> None:
    identity = (
        "starting_mrr + new_mrr + reactivation_mrr + expansion_mrr - contraction_mrr "
        "- churned_mrr <> ending_mrr"
    )
    assert query(warehouse, f"select count(*) from marts.fct_mrr_movements where {identity}") == [
        (0,)
    ]
    assert query(
        warehouse, f"select count(*) from marts.mart_revenue_retention where {identity}"
    ) == [(0,)]
    # each month's starting MRR is the previous month's ending MRR
    chained = query(
        warehouse,
        "select count(*) from ("
        " select segment, starting_mrr,"
        "  lag(ending_mrr, 1, 0) over (partition by segment order by month) as previous_ending"
        " from marts.mart_revenue_retention) as chained "
        "where starting_mrr <> previous_ending",
    )
    assert chained == [(0,)]


def test_all_is_sum_of_segments(warehouse: Path) -> None:
    columns = ", ".join(
        f"sum(case when segment = 'all' then {column} else -{column} end)"
        for column in MOVEMENT_COLUMNS
    )
    rows = query(warehouse, f"select {columns} from marts.mart_revenue_retention group by month")
    assert rows
    assert all(value == 0 for row in rows for value in row)
