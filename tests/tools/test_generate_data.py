"""Tests of the deterministic sample-data generator (tools/generate_data/)."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest

from orchestration.raw_contract import load_raw_contract
from tools.generate_data.bad_rows import BAD_ROWS
from tools.generate_data.cli import main
from tools.generate_data.contract import TABLES
from tools.generate_data.product import EVENT_TYPES
from tools.generate_data.writers import to_text

PROJECT_DIR = Path(__file__).resolve().parents[2]
START, END = "2023-01-01", "2025-06-30"
SMALL = 60
SQL_TYPES = {
    "str": "VARCHAR",
    "int": "BIGINT",
    "dec2": "DECIMAL(18,2)",
    "dec6": "DECIMAL(18,6)",
    "bool": "BOOLEAN",
    "date": "DATE",
    "ts": "TIMESTAMP",
}
KEYS = {name: list(table.key) for name, table in load_raw_contract().items()}
REFERENCES = [
    ("customers", "referred_by_customer_id", "customers", "customer_id"),
    ("subscriptions", "customer_id", "customers", "customer_id"),
    ("subscriptions", "plan_id", "plans", "plan_id"),
    ("invoices", "customer_id", "customers", "customer_id"),
    ("invoices", "subscription_id", "subscriptions", "subscription_id"),
    ("tickets", "customer_id", "customers", "customer_id"),
    ("tickets", "assignee_agent_id", "agents", "agent_id"),
    ("ticket_interactions", "ticket_id", "tickets", "ticket_id"),
    ("ticket_interactions", "agent_id", "agents", "agent_id"),
    ("survey_invitations", "customer_id", "customers", "customer_id"),
    ("survey_invitations", "ticket_id", "tickets", "ticket_id"),
    ("survey_responses", "invitation_id", "survey_invitations", "invitation_id"),
    ("survey_responses", "customer_id", "customers", "customer_id"),
    ("survey_responses", "ticket_id", "tickets", "ticket_id"),
    ("product_usage", "customer_id", "customers", "customer_id"),
    ("engagement_events", "customer_id", "customers", "customer_id"),
]


def run_generator(out: Path, *args: str, customers: int = SMALL) -> Path:
    """Run the CLI in-process (the same argument parsing as ``python -m tools.generate_data``)."""
    argv = ["--out", str(out), "--customers", str(customers), "--start", START, "--end", END]
    assert main([*argv, *args]) == 0
    return out


def test_cli_runs_as_a_module(tmp_path: Path) -> None:
    command = [sys.executable, "-m", "tools.generate_data", "--out", str(tmp_path / "cli")]
    command += ["--customers", "5", "--format", "parquet"]
    done = subprocess.run(command, cwd=PROJECT_DIR, check=True, capture_output=True, text=True)
    assert "wrote" in done.stderr
    assert sorted(p.name for p in (tmp_path / "cli").iterdir()) == sorted(
        f"{t}.parquet" for t in TABLES
    )


def connect(directory: Path, fmt: str = "csv") -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB with one typed view per raw table."""
    con = duckdb.connect()
    for table, columns in TABLES.items():
        path = directory / f"{table}.{fmt}"
        if fmt == "csv":
            spec = ", ".join(f"'{c}': 'VARCHAR'" for c, _ in columns)
            source = (
                f"read_csv('{path}', header = true, auto_detect = false, delim = ',', "
                f"quote = '\"', escape = '\"', columns = {{{spec}}})"
            )
        else:
            source = f"read_parquet('{path}')"
        select = ", ".join(f"TRY_CAST({c} AS {SQL_TYPES[k]}) AS {c}" for c, k in columns)
        con.execute(f"CREATE VIEW {table} AS SELECT {select} FROM {source}")
    return con


def scalar(con: duckdb.DuckDBPyConnection, sql: str) -> object:
    row = con.execute(sql).fetchone()
    assert row is not None
    return row[0]


def read_text(path: Path) -> pa.Table:
    """A CSV or Parquet file as a table of CSV-style strings."""
    columns = dict(TABLES[path.stem])
    if path.suffix == ".csv":
        opts = pacsv.ConvertOptions(
            column_types={c: pa.string() for c in columns}, strings_can_be_null=True
        )
        return pacsv.read_csv(path, convert_options=opts)
    table = pq.read_table(path)
    return pa.table(
        {c: to_text(table.column(c).combine_chunks(), columns[c]) for c in table.column_names}
    )


@pytest.fixture(scope="module")
def clean(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return run_generator(tmp_path_factory.mktemp("clean"))


@pytest.fixture(scope="module")
def chunked(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Several chunks: ids, referrals and references must work across chunk borders."""
    return run_generator(tmp_path_factory.mktemp("chunked"), "--chunk-size", "17")


@pytest.fixture(scope="module")
def bad(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return run_generator(tmp_path_factory.mktemp("bad"), "--inject-bad-rows")


@pytest.fixture(scope="module")
def db(clean: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    con = connect(clean)
    yield con
    con.close()


# ------------------------------------------------------------------------------------------
# Files, determinism, formats
# ------------------------------------------------------------------------------------------


def test_writes_every_table_with_exactly_the_contract_columns(clean: Path) -> None:
    contract = load_raw_contract()
    assert sorted(p.name for p in clean.iterdir()) == sorted(f"{t}.csv" for t in contract)
    for table, spec in contract.items():
        header = (clean / f"{table}.csv").read_text(encoding="utf-8").splitlines()[0]
        assert header.split(",") == list(spec.column_names), table
        assert len(read_text(clean / f"{table}.csv")) > 0, table


def test_same_arguments_give_byte_identical_files(clean: Path, tmp_path: Path) -> None:
    again = run_generator(tmp_path / "again")
    for table in TABLES:
        name = f"{table}.csv"
        assert (clean / name).read_bytes() == (again / name).read_bytes(), table


def test_parquet_is_deterministic_and_holds_the_same_rows_as_csv(
    clean: Path, tmp_path: Path
) -> None:
    first = run_generator(tmp_path / "p1", "--format", "parquet")
    second = run_generator(tmp_path / "p2", "--format", "parquet")
    for table, columns in TABLES.items():
        parquet = first / f"{table}.parquet"
        assert parquet.read_bytes() == (second / f"{table}.parquet").read_bytes(), table
        assert pq.read_schema(parquet).names == [c for c, _ in columns], table
        assert read_text(parquet).equals(read_text(clean / f"{table}.csv")), table


def test_parquet_with_bad_rows_matches_csv_with_bad_rows(bad: Path, tmp_path: Path) -> None:
    parquet = run_generator(tmp_path / "p", "--format", "parquet", "--inject-bad-rows")
    for table in TABLES:
        assert read_text(parquet / f"{table}.parquet").equals(read_text(bad / f"{table}.csv")), (
            table
        )
    assert (
        pq.read_schema(parquet / "survey_responses.parquet").field("responded_at").type
        == pa.string()
    )


def test_another_seed_gives_other_data(clean: Path, tmp_path: Path) -> None:
    other = run_generator(tmp_path / "other", "--seed", "7")
    assert (clean / "customers.csv").read_bytes() != (other / "customers.csv").read_bytes()


def test_csv_format_details(clean: Path) -> None:
    customers = (clean / "customers.csv").read_text(encoding="utf-8")
    assert "C000001," in customers
    assert ', Inc."' in customers or ', LLC"' in customers  # quoted comma
    first = customers.splitlines()[1].split(",")
    assert first[5].endswith("Z") and "T" in first[5]  # 2023-01-03T08:51:12Z
    subscriptions = (clean / "subscriptions.csv").read_text(encoding="utf-8")
    assert ",true," in subscriptions and ",false," in subscriptions


# ------------------------------------------------------------------------------------------
# Contract rules on the clean output
# ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("sample", ["clean", "chunked"])
def test_keys_are_unique_and_present(sample: str, request: pytest.FixtureRequest) -> None:
    con = connect(request.getfixturevalue(sample))
    for table, key in KEYS.items():
        cols = ", ".join(key)
        nulls = " OR ".join(f"{c} IS NULL" for c in key)
        assert scalar(con, f"SELECT count(*) FROM {table} WHERE {nulls}") == 0, table
        dupes = (
            f"SELECT count(*) FROM (SELECT {cols} FROM {table} GROUP BY ALL HAVING count(*) > 1)"
        )
        assert scalar(con, dupes) == 0, table


@pytest.mark.parametrize("sample", ["clean", "chunked"])
def test_references_resolve(sample: str, request: pytest.FixtureRequest) -> None:
    con = connect(request.getfixturevalue(sample))
    for child, column, parent, key in REFERENCES:
        missing = (
            f"SELECT count(*) FROM {child} c WHERE c.{column} IS NOT NULL AND NOT EXISTS "
            f"(SELECT 1 FROM {parent} p WHERE p.{key} = c.{column})"
        )
        assert scalar(con, missing) == 0, f"{child}.{column}"


def test_every_value_parses(db: duckdb.DuckDBPyConnection, clean: Path) -> None:
    """No value is lost by the typed casts (TRY_CAST gives null only for empty fields)."""
    for table in TABLES:
        raw = read_text(clean / f"{table}.csv")
        for column, _ in TABLES[table]:
            typed_nulls = scalar(db, f"SELECT count(*) - count({column}) FROM {table}")
            assert typed_nulls == raw.column(column).null_count, f"{table}.{column}"


def test_nothing_is_dated_after_end_and_the_data_reaches_end(db: duckdb.DuckDBPyConnection) -> None:
    latest = []
    for table, columns in TABLES.items():
        for column, kind in columns:
            if kind in ("date", "ts"):
                value = scalar(db, f"SELECT max({column})::DATE FROM {table}")
                if value is not None:
                    assert str(value) <= END, f"{table}.{column}"
                    latest.append(str(value))
    assert max(latest) == END


def test_customer_rules_and_shapes(db: duckdb.DuckDBPyConnection) -> None:
    segments = db.execute("SELECT DISTINCT segment FROM customers").fetchall()
    assert {s for (s,) in segments} == {"smb", "mid_market", "enterprise"}
    channels = {
        c for (c,) in db.execute("SELECT DISTINCT acquisition_channel FROM customers").fetchall()
    }
    assert channels == {"organic", "paid", "partner", "referral", "outbound"}
    referral = db.execute(
        """SELECT count(*), count(*) FILTER (WHERE r.signed_up_at <= c.signed_up_at)
           FROM customers c JOIN customers r ON r.customer_id = c.referred_by_customer_id"""
    ).fetchone()
    assert referral is not None and referral[0] > 0 and referral[0] == referral[1]
    assert (
        scalar(
            db,
            """SELECT count(*) FROM customers WHERE onboarding_completed_at < signed_up_at
           OR first_value_at < signed_up_at""",
        )
        == 0
    )
    counts = db.execute(
        "SELECT count(*), count(onboarding_completed_at), count(first_value_at) FROM customers"
    ).fetchone()
    assert counts is not None
    total, onboarded, valued = counts
    assert total / 2 < onboarded < total and total / 2 < valued < total


def test_plans_and_fx_rates(db: duckdb.DuckDBPyConnection) -> None:
    intervals = db.execute(
        "SELECT DISTINCT billing_interval, currency FROM subscriptions"
    ).fetchall()
    assert {i for i, _ in intervals} == {"month", "quarter", "year"}
    assert {c for _, c in intervals} == {"USD", "EUR", "GBP", "TRY"}
    assert scalar(db, "SELECT min(list_price) FROM plans") >= 0
    rates = db.execute(
        """SELECT currency, min(rate_date), max(rate_date), count(DISTINCT usd_per_unit),
                  min(usd_per_unit) FROM fx_rates GROUP BY ALL ORDER BY 1"""
    ).fetchall()
    assert [r[0] for r in rates] == ["EUR", "GBP", "TRY"]
    for _, first, last, distinct, lowest in rates:
        assert str(first) <= START and str(last) >= "2025-06-23" and distinct > 50 and lowest > 0


def test_try_depreciates_and_turkish_customers_pay_in_it(db: duckdb.DuckDBPyConnection) -> None:
    """TRY loses a few percent a month against the dollar; EUR and GBP stay near their level."""
    monthly_change = db.execute(
        """SELECT currency,
                  exp(ln(arg_max(usd_per_unit, rate_date) / arg_min(usd_per_unit, rate_date))
                      / (date_diff('day', min(rate_date), max(rate_date)) / 30.4375)) - 1
           FROM fx_rates GROUP BY ALL"""
    ).fetchall()
    change = {currency: float(value) for currency, value in monthly_change}
    assert -0.04 < change["TRY"] < -0.015, change
    assert abs(change["EUR"]) < 0.01 and abs(change["GBP"]) < 0.01, change
    billed = db.execute(
        """SELECT DISTINCT c.country, s.currency FROM subscriptions s
           JOIN customers c USING (customer_id) WHERE 'TRY' IN (c.country, s.currency)
              OR c.country = 'TR'"""
    ).fetchall()
    assert billed == [("TR", "TRY")]


def test_subscription_rules(db: duckdb.DuckDBPyConnection) -> None:
    assert scalar(db, "SELECT count(*) FROM subscriptions WHERE valid_to <= valid_from") == 0
    assert scalar(db, "SELECT count(*) FROM subscriptions WHERE seats < 0") == 0
    assert (
        scalar(
            db,
            """SELECT count(*) FROM subscriptions WHERE (is_trial AND recurring_amount <> 0)
           OR (NOT is_trial AND recurring_amount <= 0)""",
        )
        == 0
    )
    versions = """SELECT *, lead(valid_from) OVER w AS next_from,
                         row_number() OVER w = count(*) OVER (PARTITION BY subscription_id) AS last
                  FROM subscriptions
                  WINDOW w AS (PARTITION BY subscription_id ORDER BY valid_from)"""
    broken = db.execute(
        f"""SELECT
              count(*) FILTER (WHERE NOT last AND valid_to IS NULL),
              count(*) FILTER (WHERE NOT last AND cancel_reason IS NOT NULL),
              count(*) FILTER (WHERE NOT last AND NOT is_trial AND next_from <> valid_to),
              count(*) FILTER (WHERE NOT last AND is_trial AND next_from < valid_to),
              count(*) FILTER (WHERE last AND valid_to IS NULL AND cancel_reason IS NOT NULL)
            FROM ({versions})"""
    ).fetchone()
    assert broken == (0, 0, 0, 0, 0)
    one_customer = """SELECT count(DISTINCT customer_id) FROM subscriptions
                      GROUP BY subscription_id HAVING count(DISTINCT customer_id) > 1"""
    assert db.execute(one_customer).fetchall() == []


def test_subscription_shapes(db: duckdb.DuckDBPyConnection) -> None:
    pairs = """SELECT s.*, lead(valid_from) OVER w AS next_from,
                      lead(is_trial) OVER w AS next_trial,
                      lead(recurring_amount) OVER w AS next_amount,
                      lead(billing_interval) OVER w AS next_ivl
               FROM subscriptions s
               WINDOW w AS (PARTITION BY subscription_id ORDER BY valid_from)"""
    shapes = db.execute(
        f"""SELECT
              count(*) FILTER (WHERE is_trial AND next_trial = false
                               AND next_from <= valid_to + 30),
              count(*) FILTER (WHERE is_trial AND next_from IS NULL AND valid_to IS NOT NULL),
              count(*) FILTER (WHERE NOT is_trial AND billing_interval = next_ivl
                               AND next_amount > recurring_amount),
              count(*) FILTER (WHERE NOT is_trial AND billing_interval = next_ivl
                               AND next_amount < recurring_amount),
              count(*) FILTER (WHERE NOT is_trial AND cancel_reason IS NOT NULL),
              count(*) FILTER (WHERE is_trial AND next_from > valid_to)
            FROM ({pairs})"""
    ).fetchone()
    assert shapes is not None
    converted, lapsed, upgrades, downgrades, cancellations, late_conversions = shapes
    assert converted > 0 and lapsed > 0 and upgrades > 0 and downgrades > 0 and cancellations > 0
    assert late_conversions > 0  # a trial that lapsed, then converted after a gap
    reactivations = scalar(
        db,
        """SELECT count(*) FROM subscriptions a JOIN subscriptions b
             ON a.customer_id = b.customer_id AND a.subscription_id <> b.subscription_id
           WHERE a.cancel_reason IS NOT NULL AND NOT a.is_trial AND NOT b.is_trial
             AND b.valid_from > a.valid_to""",
    )
    assert reactivations > 0


def test_invoice_rules(db: duckdb.DuckDBPyConnection) -> None:
    broken = db.execute(
        """SELECT
             count(*) FILTER (WHERE invoice_type = 'invoice' AND amount <= 0),
             count(*) FILTER (WHERE invoice_type = 'credit_note' AND amount >= 0),
             count(*) FILTER (WHERE due_date < issued_at::DATE),
             count(*) FILTER (WHERE (status = 'paid') <> (paid_at IS NOT NULL)),
             count(*) FILTER (WHERE paid_at < issued_at),
             count(*) FILTER (WHERE invoice_type NOT IN ('invoice', 'credit_note')
                              OR status NOT IN ('paid', 'open', 'void', 'uncollectible'))
           FROM invoices"""
    ).fetchone()
    assert broken == (0, 0, 0, 0, 0, 0)
    currency_mismatch = """SELECT count(*) FROM invoices i
                           JOIN subscriptions s USING (subscription_id)
                           WHERE i.currency <> s.currency"""
    assert scalar(db, currency_mismatch) == 0


def test_invoice_shapes(db: duckdb.DuckDBPyConnection) -> None:
    shapes = db.execute(
        f"""SELECT
              count(*) FILTER (WHERE invoice_type = 'invoice' AND paid_at::DATE > due_date),
              count(*) FILTER (WHERE status = 'open' AND due_date < DATE '{END}'),
              count(*) FILTER (WHERE status = 'uncollectible'),
              count(*) FILTER (WHERE invoice_type = 'credit_note'),
              count(DISTINCT currency),
              count(*) FILTER (WHERE subscription_id IS NULL)
            FROM invoices"""
    ).fetchone()
    assert shapes is not None
    late, open_past_due, uncollectible, credit_notes, currencies, one_off = shapes
    assert late > 0 and open_past_due > 0 and uncollectible > 0 and credit_notes > 0
    assert currencies == 4 and one_off > 0


def test_paid_versions_are_invoiced(db: duckdb.DuckDBPyConnection) -> None:
    uninvoiced = """SELECT count(*) FROM subscriptions s WHERE NOT is_trial AND NOT EXISTS (
                      SELECT 1 FROM invoices i WHERE i.subscription_id = s.subscription_id
                        AND i.invoice_type = 'invoice' AND i.issued_at::DATE = s.valid_from)"""
    assert scalar(db, uninvoiced) == 0


def test_expenses_and_agents(db: duckdb.DuckDBPyConnection) -> None:
    kinds = db.execute("SELECT DISTINCT cost_type, category, currency FROM expenses").fetchall()
    assert {k[0] for k in kinds} == {"acquisition", "retention"}
    assert {k[1] for k in kinds} >= {"salaries", "programs", "training", "marketing", "tools"}
    assert {k[2] for k in kinds} == {"USD", "EUR"}
    assert scalar(db, "SELECT count(*) FROM expenses WHERE amount < 0") == 0
    assert scalar(db, "SELECT count(*) FROM expenses WHERE day(expense_month) <> 1") == 0
    months = scalar(db, "SELECT count(DISTINCT expense_month) FROM expenses")
    assert months == 30
    assert scalar(db, "SELECT count(DISTINCT team) FROM agents") >= 3


def test_ticket_rules_and_shapes(db: duckdb.DuckDBPyConnection) -> None:
    broken = db.execute(
        """SELECT
             count(*) FILTER (WHERE first_response_at < created_at OR resolved_at < created_at),
             count(*) FILTER (WHERE (status IN ('solved', 'closed')) <> (resolved_at IS NOT NULL)),
             count(*) FILTER (WHERE reopened_count < 0)
           FROM tickets"""
    ).fetchone()
    assert broken == (0, 0, 0)
    shape = db.execute(
        """SELECT list(DISTINCT severity ORDER BY severity),
                  list(DISTINCT channel ORDER BY channel),
                  list(DISTINCT status ORDER BY status), list(DISTINCT reopened_count),
                  count(*) - count(first_response_at), count(*) - count(resolved_at),
                  list(DISTINCT category)
           FROM tickets"""
    ).fetchone()
    assert shape is not None
    severities, channels, statuses, reopened, no_response, unresolved, categories = shape
    assert severities == [1, 2, 3, 4]
    assert channels == ["chat", "email", "phone", "social", "web"]
    assert set(statuses) >= {"open", "solved", "closed"}
    assert set(reopened) >= {0, 1, 2}
    assert no_response > 0 and unresolved > 0
    assert set(categories) >= {"billing", "bug", "how_to", "outage", "complaint"}


def test_interaction_rules(db: duckdb.DuckDBPyConnection) -> None:
    broken = db.execute(
        f"""SELECT
              count(*) FILTER (WHERE x.started_at < t.created_at),
              count(*) FILTER (WHERE x.started_at > TIMESTAMP '{END} 23:59:59'),
              count(*) FILTER (WHERE talk_seconds < 0 OR hold_seconds < 0 OR after_work_seconds < 0)
            FROM ticket_interactions x JOIN tickets t USING (ticket_id)"""
    ).fetchone()
    assert broken == (0, 0, 0)
    counts = db.execute(
        """SELECT count(*) FILTER (WHERE n = 0 AND first_response_at IS NOT NULL),
                  count(*) FILTER (WHERE n = 1), count(*) FILTER (WHERE n > 1)
           FROM (SELECT t.ticket_id, any_value(first_response_at) AS first_response_at,
                        count(x.interaction_id) AS n
                 FROM tickets t LEFT JOIN ticket_interactions x USING (ticket_id) GROUP BY 1)"""
    ).fetchone()
    assert counts is not None
    responded_without_contact, single, several = counts
    assert responded_without_contact == 0 and single > 0 and several > 0


def test_survey_rules_and_shapes(db: duckdb.DuckDBPyConnection) -> None:
    invitations = db.execute(
        """SELECT list(DISTINCT survey_type ORDER BY survey_type),
                  list(DISTINCT channel ORDER BY channel),
                  list(DISTINCT touchpoint ORDER BY touchpoint),
                  count(*) FILTER (WHERE touchpoint = 'support' AND ticket_id IS NOT NULL)
           FROM survey_invitations"""
    ).fetchone()
    assert invitations is not None
    types, channels, touchpoints, support_with_ticket = invitations
    assert types == ["ces", "csat", "nps"]
    assert channels == ["chat", "email", "in_app", "sms"]
    assert touchpoints == ["onboarding", "purchase", "relationship", "renewal", "support"]
    assert support_with_ticket > 0
    broken = db.execute(
        """SELECT
             count(*) FILTER (WHERE r.survey_type = 'nps' AND r.score NOT BETWEEN 0 AND 10),
             count(*) FILTER (WHERE r.survey_type <> 'nps' AND r.score NOT BETWEEN 1 AND 5),
             count(*) FILTER (WHERE r.responded_at < i.sent_at),
             count(*) FILTER (WHERE r.customer_id <> i.customer_id
                              OR r.survey_type <> i.survey_type)
           FROM survey_responses r LEFT JOIN survey_invitations i USING (invitation_id)"""
    ).fetchone()
    assert broken == (0, 0, 0, 0)
    uninvited = scalar(db, "SELECT count(*) FROM survey_responses WHERE invitation_id IS NULL")
    invited = scalar(db, "SELECT count(*) FROM survey_responses WHERE invitation_id IS NOT NULL")
    assert 0 < uninvited < invited
    rates = dict(
        db.execute(
            """SELECT i.channel, count(r.response_id) / count(*) FROM survey_invitations i
               LEFT JOIN survey_responses r USING (invitation_id) GROUP BY 1"""
        ).fetchall()
    )
    assert rates["sms"] > rates["email"]


def test_usage_rules_and_shapes(db: duckdb.DuckDBPyConnection) -> None:
    outside = """SELECT count(*) FROM product_usage u WHERE NOT EXISTS (
                   SELECT 1 FROM subscriptions s WHERE s.customer_id = u.customer_id
                     AND u.usage_date >= s.valid_from
                     AND (s.valid_to IS NULL OR u.usage_date < s.valid_to))"""
    assert scalar(db, outside) == 0
    assert (
        scalar(
            db,
            """SELECT count(*) FROM product_usage
           WHERE active_users < 0 OR sessions < 0 OR key_feature_events < 0""",
        )
        == 0
    )
    over_seats = scalar(
        db,
        """SELECT avg((u.active_users > s.seats)::INT) FROM product_usage u JOIN subscriptions s
             ON s.customer_id = u.customer_id AND u.usage_date >= s.valid_from
            AND (s.valid_to IS NULL OR u.usage_date < s.valid_to)""",
    )
    assert 0 < over_seats < 0.05
    weekend, weekday = db.execute(
        """SELECT sum(active_users) FILTER (WHERE dayofweek(usage_date) IN (0, 6)) / 2,
                  sum(active_users) FILTER (WHERE dayofweek(usage_date) NOT IN (0, 6)) / 5
           FROM product_usage"""
    ).fetchone() or (None, None)
    assert weekend < weekday / 2


def test_engagement_events(db: duckdb.DuckDBPyConnection) -> None:
    types = {
        t for (t,) in db.execute("SELECT DISTINCT event_type FROM engagement_events").fetchall()
    }
    assert types == set(EVENT_TYPES)
    referrals = scalar(
        db,
        """SELECT count(*) FROM engagement_events e WHERE event_type = 'referral_made'
           AND NOT EXISTS (SELECT 1 FROM customers c
                           WHERE c.referred_by_customer_id = e.customer_id)""",
    )
    assert referrals == 0


def test_unhappy_customers_churn_more(tmp_path: Path) -> None:
    """Health signal: small customers who churned gave lower NPS, opened more tickets per day
    live and had fewer active users per seat than those who stayed."""
    con = connect(run_generator(tmp_path / "signal", customers=400))
    row = con.execute(
        """WITH c AS (SELECT customer_id,
                         bool_or(cancel_reason IS NOT NULL AND NOT is_trial)
                           AND bool_and(valid_to IS NOT NULL) AS churned,
                         sum(coalesce(valid_to, DATE '2025-07-01') - valid_from) AS live_days
                       FROM subscriptions GROUP BY 1),
             nps AS (SELECT customer_id, avg(score) AS nps FROM survey_responses
                     WHERE survey_type = 'nps' GROUP BY 1),
             t AS (SELECT customer_id, count(*) AS tickets FROM tickets GROUP BY 1),
             u AS (SELECT u.customer_id, avg(u.active_users / s.seats) AS adoption
                   FROM product_usage u JOIN subscriptions s
                     ON s.customer_id = u.customer_id AND u.usage_date >= s.valid_from
                    AND (s.valid_to IS NULL OR u.usage_date < s.valid_to)
                   GROUP BY 1)
           SELECT avg(nps) FILTER (WHERE churned), avg(nps) FILTER (WHERE NOT churned),
                  sum(tickets) FILTER (WHERE churned) / sum(live_days) FILTER (WHERE churned),
                  sum(tickets) FILTER (WHERE NOT churned)
                    / sum(live_days) FILTER (WHERE NOT churned),
                  avg(adoption) FILTER (WHERE churned), avg(adoption) FILTER (WHERE NOT churned)
           FROM c JOIN customers USING (customer_id) LEFT JOIN nps USING (customer_id)
           LEFT JOIN t USING (customer_id) LEFT JOIN u USING (customer_id)
           WHERE segment = 'smb'"""
    ).fetchone()
    assert row is not None
    nps_churned, nps_kept, tickets_churned, tickets_kept, usage_churned, usage_kept = row
    assert nps_churned < nps_kept - 0.5
    assert tickets_churned > tickets_kept
    assert usage_churned < usage_kept


# ------------------------------------------------------------------------------------------
# Bad rows
# ------------------------------------------------------------------------------------------


def expected_bad_rows() -> dict[str, int]:
    counts = dict.fromkeys(TABLES, 0)
    for table, _ in BAD_ROWS:
        counts[table] += 1
    return counts


def test_bad_rows_are_appended_to_the_clean_rows(clean: Path, bad: Path) -> None:
    expected = expected_bad_rows()
    for table in TABLES:
        clean_bytes = (clean / f"{table}.csv").read_bytes()
        bad_bytes = (bad / f"{table}.csv").read_bytes()
        assert bad_bytes.startswith(clean_bytes), table
        added = len(read_text(bad / f"{table}.csv")) - len(read_text(clean / f"{table}.csv"))
        assert added == expected[table], table


def test_bad_rows_break_the_contract_as_documented(bad: Path) -> None:
    con = connect(bad)
    raw = {t: read_text(bad / f"{t}.csv") for t in ("survey_responses",)}
    checks = {
        "exact duplicate customer": """SELECT count(*) FROM (SELECT * FROM customers
                                       GROUP BY ALL HAVING count(*) > 1)""",
        "valid_to <= valid_from": "SELECT count(*) FROM subscriptions WHERE valid_to <= valid_from",
        "one invoice_id, two rows": """SELECT count(*) FROM (SELECT invoice_id FROM invoices
                                       GROUP BY 1 HAVING count(DISTINCT amount) > 1)""",
        "negative invoice": """SELECT count(*) FROM invoices
                               WHERE invoice_type = 'invoice' AND amount < 0""",
        "currency without rate": "SELECT count(*) FROM invoices WHERE currency = 'CHF'",
        "expense without rate": "SELECT count(*) FROM expenses WHERE currency = 'CHF'",
        "missing ticket key": "SELECT count(*) FROM tickets WHERE ticket_id IS NULL",
        "unknown customer": """SELECT count(*) FROM tickets t WHERE NOT EXISTS
                               (SELECT 1 FROM customers c WHERE c.customer_id = t.customer_id)""",
        "severity out of range": "SELECT count(*) FROM tickets WHERE severity NOT BETWEEN 1 AND 4",
        "unknown ticket": """SELECT count(*) FROM ticket_interactions x WHERE NOT EXISTS
                             (SELECT 1 FROM tickets t WHERE t.ticket_id = x.ticket_id)""",
        "unknown invitee": """SELECT count(*) FROM survey_invitations i WHERE NOT EXISTS
                              (SELECT 1 FROM customers c WHERE c.customer_id = i.customer_id)""",
        "nps out of range": "SELECT count(*) FROM survey_responses WHERE score > 10",
        "duplicate usage": """SELECT count(*) FROM (SELECT * FROM product_usage
                              GROUP BY ALL HAVING count(*) > 1)""",
        "duplicate event": """SELECT count(*) FROM (SELECT * FROM engagement_events
                              GROUP BY ALL HAVING count(*) > 1)""",
    }
    for label, sql in checks.items():
        assert scalar(con, sql) == 1, label
    unparseable = scalar(con, "SELECT count(*) FROM survey_responses WHERE responded_at IS NULL")
    assert unparseable == 1
    assert "2024-02-30T09:00:00Z" in raw["survey_responses"].column("responded_at").to_pylist()


def test_bad_rows_stay_under_two_percent_at_the_default_size(tmp_path: Path) -> None:
    clean = run_generator(tmp_path / "clean", customers=400)
    bad = run_generator(tmp_path / "bad", "--inject-bad-rows", customers=400)
    for table in TABLES:
        rows = len(read_text(bad / f"{table}.csv"))
        added = rows - len(read_text(clean / f"{table}.csv"))
        assert added / rows < 0.02, table


def test_bundled_seeds_are_reproducible(tmp_path: Path) -> None:
    """seeds/ is exactly what the command in seeds/README.md writes."""
    seeds = PROJECT_DIR / "seeds"
    readme = seeds / "README.md"
    if not readme.exists():
        pytest.skip("no bundled sample")
    command = next(
        line.strip()
        for line in readme.read_text().splitlines()
        if line.strip().startswith("python -m tools.generate_data")
    )
    args = command.split()[3:]
    out_at = args.index("--out")
    args[out_at + 1] = str(tmp_path / "seeds")
    subprocess.run(
        [sys.executable, "-m", "tools.generate_data", *args],
        cwd=PROJECT_DIR,
        check=True,
        capture_output=True,
    )
    for table in TABLES:
        name = f"{table}.csv"
        assert (seeds / name).read_bytes() == (tmp_path / "seeds" / name).read_bytes(), name
