"""Tests of the deterministic sample-data generator (tools/generate_data/): the CLI, the files and
their formats, keys and references, the injected bad rows and the bundled sample.
test_generated_domains.py checks the generated data's business rules domain by domain."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from customer_success.raw_contract import load_raw_contract
from tests.tools.generated import END, PROJECT_DIR, connect, read_text, run_generator, scalar
from tools.generate_data.bad_rows import BAD_ROWS
from tools.generate_data.contract import TABLES

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


def test_cli_runs_as_a_module(tmp_path: Path) -> None:
    command = [sys.executable, "-m", "tools.generate_data", "--out", str(tmp_path / "cli")]
    command += ["--customers", "5", "--format", "parquet"]
    done = subprocess.run(command, cwd=PROJECT_DIR, check=True, capture_output=True, text=True)
    assert "wrote" in done.stderr
    assert sorted(p.name for p in (tmp_path / "cli").iterdir()) == sorted(
        f"{t}.parquet" for t in TABLES
    )


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
