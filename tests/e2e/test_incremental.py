"""End to end: a one-day incremental build equals a full refresh of the same data, row by row.

Once per module (small data, ``dbt run`` only):

1. generate day N (``tools.generate_data --customers 120``, CSV, with the documented bad rows)
   and build it in full (the warehouse of "yesterday");
2. ``--append-day --inject-bad-rows`` writes day N+1 into a copy of the raw files: new rows of every
   fact, subscription changes and cancellations, open invoices paid and open tickets resolved
   today, late rows dated two days back, late twins of a ticket, a usage row and an event kept
   yesterday (both twins must be quarantined; the event's twin in another month), a second row
   of a customer kept yesterday (the customer and, through the reference checks, its rows of
   every month are quarantined) and an exact duplicate usage row;
3. an incremental ``dbt run`` on a copy of yesterday's warehouse, compared with a full build of
   the same day N+1 data from scratch (``--full-refresh``; run in parallel with step 1 to save
   time).

Every public mart, every incremental model, every staging validator and the audit relations
must be identical (same rows, same values to the bit; doubles included), and the incremental
run must really have been incremental (it recomputed only the last months, and the incremental
validators kept most of yesterday's rows in place).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb
import pytest

from tests.dbt_runner import PROJECT_DIR, DbtRun, isolated_env, run_dbt

CUSTOMERS = 120
MARTS = (
    "fct_mrr_movements",
    "mart_logo_churn",
    "mart_revenue_retention",
    "mart_unit_economics",
    "fct_customer_lifetime",
    "mart_nps",
    "mart_customer_experience",
    "mart_survey_response_rate",
    "mart_support_kpis",
    "mart_agent_performance",
    "mart_ticket_categories",
    "mart_trial_conversion",
    "mart_referrals",
    "mart_onboarding",
    "mart_customer_health",
    "mart_health_summary",
    "mart_churn_reasons",
    "mart_cohort_retention",
    "dim_customers",
    "dim_segments",
    "mart_health_backtest",
    "mart_health_component_power",
)
INCREMENTAL_VALIDATORS = (
    "base_billing__invoices",
    "base_support__tickets",
    "base_support__ticket_interactions",
    "base_surveys__survey_invitations",
    "base_surveys__survey_responses",
    "base_product__usage",
    "base_product__engagement_events",
)
# the validators of the small tables are rebuilt in full on every run
BASE_MODELS = INCREMENTAL_VALIDATORS + (
    "base_billing__customers",
    "base_billing__plans",
    "base_billing__subscriptions",
    "base_billing__fx_rates",
    "base_billing__expenses",
    "base_support__agents",
)
INCREMENTAL_MODELS = (
    "int_tickets_enriched",
    "int_ticket_interactions_enriched",
    "int_survey_responses_scored",
    "int_invoices_converted",
    "int_customer_months_mrr",
    "int_customer_months_health_signals",
    "int_customer_months_health_scored",
    "int_mrr_movements",
)


@dataclass(frozen=True)
class Builds:
    yesterday: Path
    incremental: Path
    full: Path
    incremental_run: DbtRun
    full_run: DbtRun
    yesterday_as_of: date


def generate(*args: str) -> None:
    command = [sys.executable, "-m", "tools.generate_data", "--seed", "11", *args]
    subprocess.run(command, cwd=PROJECT_DIR, check=True, capture_output=True, text=True)


def run(args: list[str], workdir: Path, raw: Path, warehouse: Path) -> DbtRun:
    env = isolated_env(workdir, raw, CS_WAREHOUSE_PATH=str(warehouse))
    return run_dbt(args, env)


@pytest.fixture(scope="module")
def builds(tmp_path_factory: pytest.TempPathFactory) -> Builds:
    root = tmp_path_factory.mktemp("incremental")
    raw, raw_next = root / "raw", root / "raw_next"
    generate("--out", str(raw), "--customers", str(CUSTOMERS), "--inject-bad-rows")
    shutil.copytree(raw, raw_next)
    generate("--out", str(raw_next), "--append-day", "--inject-bad-rows")
    yesterday, incremental, full = (root / f"{n}.duckdb" for n in ("yesterday", "inc", "full"))
    # day N in full, and (at the same time) the full refresh of day N+1 from scratch
    with ThreadPoolExecutor(max_workers=2) as pool:
        first_future = pool.submit(run, ["run"], root / "day_n", raw, incremental)
        full_future = pool.submit(run, ["run", "--full-refresh"], root / "full", raw_next, full)
        first, full_run = first_future.result(), full_future.result()
    assert first.returncode == 0, first.output[-3000:]
    assert full_run.returncode == 0, full_run.output[-3000:]
    shutil.copy(incremental, yesterday)
    # same warehouse path and target dir as day N: dbt can reuse its parsed project
    incremental_run = run(["run"], root / "day_n", raw_next, incremental)
    assert incremental_run.returncode == 0, incremental_run.output[-3000:]
    with duckdb.connect(str(yesterday), read_only=True) as con:
        row = con.execute("select as_of_date from intermediate.int_as_of_date").fetchone()
    assert row is not None
    return Builds(yesterday, incremental, full, incremental_run, full_run, row[0])


def differences(builds: Builds, relation: str) -> tuple[int, int, int]:
    """(rows, rows only in the incremental build, rows only in the full refresh)."""
    with duckdb.connect() as con:
        con.execute(f"attach '{builds.incremental}' as inc (read_only)")
        con.execute(f"attach '{builds.full}' as ful (read_only)")
        columns = [row[0] for row in con.execute(f"describe inc.{relation}").fetchall()]
        assert columns == [row[0] for row in con.execute(f"describe ful.{relation}").fetchall()]
        listed = ", ".join(f'"{c}"' for c in columns if c != "loaded_at")
        only = []
        for left, right in (("inc", "ful"), ("ful", "inc")):
            sql = (
                f"select count(*) from (select {listed} from {left}.{relation} "
                f"except all select {listed} from {right}.{relation})"
            )
            only.append(con.execute(sql).fetchone()[0])
        rows = con.execute(f"select count(*) from inc.{relation}").fetchone()[0]
    return rows, only[0], only[1]


@pytest.mark.parametrize(
    "relation",
    [f"marts.{m}" for m in MARTS]
    + [f"intermediate.{m}" for m in INCREMENTAL_MODELS]
    + [f"staging.{m}" for m in BASE_MODELS]
    + ["audit.quarantined_rows", "audit.row_reconciliation"],
)
def test_incremental_build_equals_full_refresh(builds: Builds, relation: str) -> None:
    rows, only_incremental, only_full = differences(builds, relation)
    assert rows > 0, f"{relation} is empty: the comparison would prove nothing"
    assert (only_incremental, only_full) == (0, 0), (
        f"{relation}: {only_incremental} rows only in the incremental build, "
        f"{only_full} only in the full refresh"
    )


def test_incremental_run_recomputed_only_the_last_months(builds: Builds) -> None:
    assert "incremental model" in builds.incremental_run.output
    with duckdb.connect(str(builds.incremental), read_only=True) as con:
        as_of, baseline, recompute_from = con.execute(
            "select as_of_date, baseline_as_of_date, recompute_from_month "
            "from intermediate.int_incremental_window_resolved"
        ).fetchone()
        first_month = con.execute("select min(month) from intermediate.int_months_spine").fetchone()
        kept_months = con.execute(
            "select count(distinct month) from intermediate.int_customer_months_mrr "
            "where month < ?",
            [recompute_from],
        ).fetchone()[0]
    assert baseline == builds.yesterday_as_of
    assert as_of.toordinal() == baseline.toordinal() + 1
    # the appended day resolves tickets and pays invoices of up to ~2 months back
    assert first_month[0] < recompute_from <= date(as_of.year, as_of.month, 1)
    assert kept_months >= 12, "most history must be kept, not recomputed"
    with duckdb.connect(str(builds.full), read_only=True) as con:
        (full_window,) = con.execute(
            "select recompute_from_month from intermediate.int_incremental_window_resolved"
        ).fetchone()
    # a build without a committed baseline recomputes everything
    assert full_window == date(1900, 1, 1)


def test_late_twin_quarantines_the_ticket_kept_yesterday(builds: Builds) -> None:
    with duckdb.connect(str(builds.incremental), read_only=True) as con:
        twins = con.execute(
            "select row_key, count(*) from audit.quarantined_rows "
            "where source_table = 'tickets' and reason like '%appears in 2 different rows%' "
            "group by row_key"
        ).fetchall()
        assert twins, "the appended day must carry a late twin of an existing ticket"
        twin_ids = [key for key, copies in twins if copies == 2]
        kept_now = con.execute(
            "select count(*) from intermediate.int_tickets_enriched where ticket_id in "
            "(select unnest(?::varchar[]))",
            [twin_ids],
        ).fetchone()[0]
    with duckdb.connect(str(builds.yesterday), read_only=True) as con:
        kept_yesterday = con.execute(
            "select count(*) from intermediate.int_tickets_enriched where ticket_id in "
            "(select unnest(?::varchar[]))",
            [twin_ids],
        ).fetchone()[0]
    assert kept_yesterday >= 1, "the twin must hit a ticket the build kept yesterday"
    assert kept_now == 0


@pytest.mark.parametrize("validator", INCREMENTAL_VALIDATORS)
def test_incremental_validators_kept_most_rows_in_place(builds: Builds, validator: str) -> None:
    """DuckDB appends inserted rows after the existing ones and never reuses a deleted row's
    rowid, so the rows with a rowid below yesterday's row count were never touched today."""
    with duckdb.connect(str(builds.yesterday), read_only=True) as con:
        (yesterday_rows,) = con.execute(f"select count(*) from staging.{validator}").fetchone()
    with duckdb.connect(str(builds.incremental), read_only=True) as con:
        (kept,) = con.execute(
            f"select count(*) from staging.{validator} where rowid < ?", [yesterday_rows]
        ).fetchone()
        relations = con.execute(
            "select count(*) from information_schema.tables "
            "where table_name like '%recomputed_keys'"
        ).fetchone()[0]
    assert kept >= 0.5 * yesterday_rows, f"{validator}: only {kept} of {yesterday_rows} kept"
    assert relations == 0, "the helper tables of the keys validated again must be dropped"


def test_late_twins_and_quarantined_customer_reach_every_month(builds: Builds) -> None:
    with duckdb.connect(str(builds.incremental), read_only=True) as con:
        twin_reasons = dict(
            con.execute(
                "select source_table, count(*) from audit.quarantined_rows "
                "where reason like '%appears in 2 different rows%' group by source_table"
            ).fetchall()
        )
        (customer_id,) = con.execute(
            "select customer_id from staging.base_billing__customers "
            "where quarantine_reason like '%appears in 2 different rows%' limit 1"
        ).fetchone()
        months = con.execute(
            "select count(distinct date_trunc('month', usage_date)) "
            "from staging.base_product__usage where customer_id = ? "
            "and quarantine_reason like '%not found in customers%'",
            [customer_id],
        ).fetchone()[0]
    for table in ("tickets", "product_usage", "engagement_events", "customers"):
        assert twin_reasons.get(table, 0) >= 2, f"{table}: both twins must be quarantined"
    assert months >= 2, "the quarantined customer's usage of past months must be quarantined too"
