"""End to end: raw files in, clean staging and audit relations out (docs/raw-data.md).

A generated dataset gets one bad row of every kind the raw contract names (and a few it does not:
trailing spaces, a comma decimal, a timestamp with a zone offset). Each must end in quarantine with
its reason or be read correctly, and the reconciliation must be exact. The loader exposes and
requires exactly the contract's columns, and a column added to the contract flows through the
generator, the loader, the validator and docs/raw-data.md.
"""

from __future__ import annotations

import csv
import json
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import duckdb
import pytest

from customer_success.raw_contract import load_raw_contract
from tests.dbt_runner import (
    DBT,
    PROJECT_DIR,
    RAW_INGESTION,
    build_raw_ingestion,
    generate_data,
    isolated_env,
    run_dbt,
)

AS_OF = "2025-06-30"


def read_rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def append_rows(path: Path, rows: list[dict[str, str]]) -> None:
    with path.open(newline="", encoding="utf-8") as handle:
        header = next(csv.reader(handle))
    # the generator ends lines with \n; one kind of line ending per file (docs/raw-data.md)
    with path.open("a", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=header, lineterminator="\n")
        writer.writerows(rows)


def raw_row_count(path: Path) -> int:
    return len(read_rows(path))


@pytest.fixture(scope="module")
def clean_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generate_data(tmp_path_factory.mktemp("clean") / "raw", customers=60, seed=11)


def injected(raw: Path) -> dict[str, tuple[str, str]]:
    """Inject bad rows into ``raw``; return {label: (table, expected reason fragment)}."""
    customers = read_rows(raw / "customers.csv")
    plans = read_rows(raw / "plans.csv")
    subscriptions = read_rows(raw / "subscriptions.csv")
    invoices = read_rows(raw / "invoices.csv")
    tickets = read_rows(raw / "tickets.csv")
    responses = read_rows(raw / "survey_responses.csv")
    expenses = read_rows(raw / "expenses.csv")
    customer, plan, subscription = customers[0], plans[0], subscriptions[0]
    invoice, ticket = invoices[0], tickets[0]
    nps = next(row for row in responses if row["survey_type"] == "nps")
    expected: dict[str, tuple[str, str]] = {}

    def add(
        table: str, label: str, base: dict[str, str], reason: str | None, **changes: str
    ) -> None:
        append_rows(raw / f"{table}.csv", [{**base, **changes}])
        if reason is not None:
            expected[label] = (table, reason)

    # exact duplicate: one row kept, one counted as a duplicate
    append_rows(raw / "customers.csv", [customers[1]])
    # two different rows with the same key: both quarantined
    add("plans", "twin_a", plan, "appears in 2 different rows", plan_id="P_TWIN", plan_name="A")
    add("plans", "twin_b", plan, "appears in 2 different rows", plan_id="P_TWIN", plan_name="B")
    add("tickets", "missing_key", ticket, "missing key ticket_id", ticket_id="")
    add(
        "tickets",
        "unknown_customer",
        ticket,
        "not found in customers",
        ticket_id="T_BAD_REF",
        customer_id="NO_SUCH_CUSTOMER",
    )
    add("tickets", "bad_channel", ticket, "is not one of", ticket_id="T_BAD_CHANNEL", channel="fax")
    add(
        "tickets",
        "bad_severity",
        ticket,
        "above its maximum 4",
        ticket_id="T_BAD_SEVERITY",
        severity="7",
    )
    add(
        "tickets",
        "response_before_create",
        ticket,
        "first_response_at is before created_at",
        ticket_id="T_BAD_ORDER",
        created_at="2024-05-02T10:00:00Z",
        first_response_at="2024-05-01T10:00:00Z",
        resolved_at="",
    )
    add(
        "survey_responses",
        "nps_11",
        nps,
        "nps score is outside 0-10",
        response_id="R_BAD_SCORE",
        score="11",
    )
    add(
        "invoices",
        "bad_date",
        invoice,
        "is not a valid date",
        invoice_id="I_BAD_DATE",
        due_date="2025-13-45",
    )
    add(
        "invoices",
        "comma_decimal",
        invoice,
        "'12,50' is not a valid decimal",
        invoice_id="I_COMMA",
        amount="12,50",
    )
    add(
        "invoices",
        "negative_invoice",
        invoice,
        "invoice amount is not positive",
        invoice_id="I_NEGATIVE",
        invoice_type="invoice",
        amount="-5",
    )
    add(
        "subscriptions",
        "bad_seats",
        subscription,
        "'three' is not a valid int",
        subscription_id="S_BAD_SEATS",
        seats="three",
    )
    add(
        "subscriptions",
        "valid_to_first",
        subscription,
        "valid_to is not after valid_from",
        subscription_id="S_BAD_ORDER",
        valid_from="2024-03-01",
        valid_to="2024-02-01",
    )
    add(
        "subscriptions",
        "no_fx_rate",
        subscription,
        "no fx rate for currency 'JPY'",
        subscription_id="S_JPY",
        currency="JPY",
    )
    add(
        "expenses",
        "expense_no_fx",
        expenses[0],
        "no fx rate for currency 'JPY'",
        expense_id="E_JPY",
        currency="JPY",
    )
    # a customer broken by a bad segment takes its subscription with it (clean-parent rule)
    add(
        "customers",
        "bad_segment",
        customer,
        "is not one of smb, mid_market, enterprise",
        customer_id="C_BAD_SEGMENT",
        segment="huge",
    )
    add(
        "subscriptions",
        "orphan_of_quarantined",
        subscription,
        "not found in customers",
        subscription_id="S_ORPHAN",
        customer_id="C_BAD_SEGMENT",
    )
    # read correctly: trailing spaces and a zone offset
    add(
        "customers",
        "spaces",
        customer,
        None,
        customer_id="  C_SPACES  ",
        segment=" smb ",
        signed_up_at=f" {customer['signed_up_at']} ",
    )
    add(
        "tickets",
        "offset",
        ticket,
        None,
        ticket_id="T_OFFSET",
        created_at="2024-05-01T12:00:00+02:00",
        first_response_at="2024-05-01T13:30:00+02:00",
        resolved_at="",
        status="open",
        reopened_count="0",
    )
    return expected


@pytest.fixture(scope="module")
def built(clean_dir: Path, tmp_path_factory: pytest.TempPathFactory):
    work = tmp_path_factory.mktemp("bad_rows")
    raw = work / "raw"
    shutil.copytree(clean_dir, raw)
    counts_before = {path.stem: raw_row_count(path) for path in raw.glob("*.csv")}
    expected = injected(raw)
    env = isolated_env(work, raw)
    result = build_raw_ingestion(env, AS_OF, 0.5)
    assert result.returncode == 0, result.output[-4000:]
    connection = duckdb.connect(env["CS_WAREHOUSE_PATH"], read_only=True)
    yield connection, raw, expected, counts_before
    connection.close()


def test_every_injected_bad_row_is_quarantined_with_its_reason(built) -> None:
    connection, _, expected, _ = built
    quarantined = connection.execute(
        "select source_table, row_key, reason, raw_row from audit.quarantined_rows"
    ).fetchall()
    for label, (table, fragment) in expected.items():
        hits = [row for row in quarantined if row[0] == table and fragment in row[2]]
        assert hits, f"{label}: no quarantined {table} row with reason containing {fragment!r}"
    for _, _, _, raw_row in quarantined:
        assert isinstance(json.loads(raw_row), dict)


def test_key_twins_are_both_quarantined_and_exact_duplicates_collapsed(built) -> None:
    connection, _, _, _ = built
    twins = connection.execute(
        "select count(*) from audit.quarantined_rows where source_table = 'plans' "
        "and row_key = 'P_TWIN'"
    ).fetchone()[0]
    assert twins == 2
    assert connection.execute(
        "select count(*) from staging.stg_billing__plans where plan_id = 'P_TWIN'"
    ).fetchone() == (0,)
    customers = connection.execute(
        "select duplicates_removed from audit.row_reconciliation where source_table = 'customers'"
    ).fetchone()[0]
    assert customers == 1


def test_reconciliation_is_exact_for_every_table(built) -> None:
    connection, raw, _, _ = built
    reconciliation = connection.execute(
        "select source_table, rows_read, rows_kept, rows_quarantined, duplicates_removed "
        "from audit.row_reconciliation"
    ).fetchall()
    assert sorted(row[0] for row in reconciliation) == sorted(load_raw_contract())
    stg_names = {
        "customers": "stg_billing__customers",
        "plans": "stg_billing__plans",
        "subscriptions": "stg_billing__subscriptions",
        "invoices": "stg_billing__invoices",
        "fx_rates": "stg_billing__fx_rates",
        "expenses": "stg_billing__expenses",
        "agents": "stg_support__agents",
        "tickets": "stg_support__tickets",
        "ticket_interactions": "stg_support__ticket_interactions",
        "survey_invitations": "stg_surveys__survey_invitations",
        "survey_responses": "stg_surveys__survey_responses",
        "product_usage": "stg_product__usage",
        "engagement_events": "stg_product__engagement_events",
    }
    for table, read, kept, quarantined, duplicates in reconciliation:
        assert read == raw_row_count(raw / f"{table}.csv"), table
        assert read == kept + quarantined + duplicates, table
        clean = connection.execute(f"select count(*) from staging.{stg_names[table]}").fetchone()[0]
        assert clean == kept, table
        in_audit = connection.execute(
            f"select count(*) from audit.quarantined_rows where source_table = '{table}'"
        ).fetchone()[0]
        assert in_audit == quarantined, table


def test_clean_generated_rows_are_all_kept(built) -> None:
    connection, _, _, counts_before = built
    rows = connection.execute(
        "select source_table, rows_kept from audit.row_reconciliation"
    ).fetchall()
    for table, kept in rows:
        extra_clean = {"customers": 1, "tickets": 1}.get(table, 0)  # spaces, offset
        assert kept == counts_before[table] + extra_clean, table


def test_trailing_spaces_and_zone_offsets_are_read_correctly(built, clean_dir: Path) -> None:
    connection, _, _, _ = built
    signed_up_at = read_rows(clean_dir / "customers.csv")[0]["signed_up_at"]
    expected_signed_up_at = signed_up_at.replace("T", " ").removesuffix("Z")
    segment = connection.execute(
        "select segment, cast(signed_up_at as varchar) from staging.stg_billing__customers "
        "where customer_id = 'C_SPACES'"
    ).fetchone()
    assert segment == ("smb", expected_signed_up_at)
    created = connection.execute(
        "select cast(created_at as varchar), cast(first_response_at as varchar) "
        "from staging.stg_support__tickets where ticket_id = 'T_OFFSET'"
    ).fetchone()
    assert created == ("2024-05-01 10:00:00", "2024-05-01 11:30:00")


@pytest.fixture(scope="module")
def failing_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One working directory for the runs that must fail: the same paths every time, so that
    after the first run dbt parses partially (the profile, hence the paths, is in its state)."""
    return tmp_path_factory.mktemp("failing")


def run_failing(
    clean_dir: Path, workdir: Path, mutate: Callable[[Path], None], **env_extra: str
) -> tuple[str, Path]:
    raw = workdir / "raw"
    shutil.rmtree(raw, ignore_errors=True)
    shutil.copytree(clean_dir, raw)
    mutate(raw)
    env = isolated_env(workdir, raw, **env_extra)
    Path(env["CS_WAREHOUSE_PATH"]).unlink(missing_ok=True)
    result = run_dbt(["run", "--select", "staging"], env)
    assert result.returncode != 0
    return result.output, Path(env["CS_WAREHOUSE_PATH"])


def assert_nothing_written(warehouse: Path) -> None:
    if not warehouse.exists():
        return
    connection = duckdb.connect(str(warehouse), read_only=True)
    tables = connection.execute(
        "select count(*) from information_schema.tables where table_schema <> 'main'"
    ).fetchone()[0]
    connection.close()
    assert tables == 0


def test_missing_required_column_is_a_clear_error_before_anything_is_written(
    clean_dir: Path, failing_dir: Path
) -> None:
    def drop_segment(raw: Path) -> None:
        rows = read_rows(raw / "customers.csv")
        fields = [name for name in rows[0] if name != "segment"]
        with (raw / "customers.csv").open("w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=fields, extrasaction="ignore")
            writer.writeheader()
            writer.writerows(rows)

    output, warehouse = run_failing(clean_dir, failing_dir, drop_segment)
    assert "customers.csv" in output and '"segment"' in output
    assert_nothing_written(warehouse)


def test_missing_required_file_is_named(clean_dir: Path, failing_dir: Path) -> None:
    output, warehouse = run_failing(
        clean_dir, failing_dir, lambda raw: (raw / "tickets.csv").unlink()
    )
    assert "missing required file" in output and "tickets.csv" in output
    assert_nothing_written(warehouse)


def test_invalid_as_of_date_is_refused(clean_dir: Path, failing_dir: Path) -> None:
    output, _ = run_failing(clean_dir, failing_dir, lambda raw: None, CS_AS_OF_DATE="2025-02-30")
    assert "as_of_date is not a real calendar date: 2025-02-30" in output


def test_missing_optional_tables_read_as_empty(clean_dir: Path, tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    shutil.copytree(clean_dir, raw)
    for optional in ("product_usage", "engagement_events", "survey_invitations", "expenses"):
        (raw / f"{optional}.csv").unlink()
    env = isolated_env(tmp_path, raw)
    result = run_dbt(["run", "--select", "staging"], env)
    assert result.returncode == 0, result.output[-3000:]
    connection = duckdb.connect(env["CS_WAREHOUSE_PATH"], read_only=True)
    assert connection.execute("select count(*) from staging.stg_product__usage").fetchone() == (0,)
    assert (
        connection.execute("select count(*) from staging.stg_billing__customers").fetchone()[0] > 0
    )
    connection.close()


def test_parquet_input_reads_like_csv(clean_dir: Path, tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    converter = duckdb.connect()
    for path in clean_dir.glob("*.csv"):
        converter.execute(
            f"copy (select * from read_csv('{path}', all_varchar = true)) "
            f"to '{raw / (path.stem + '.parquet')}' (format parquet)"
        )
    converter.close()
    env = isolated_env(tmp_path, raw)
    result = run_dbt(["run", "--select", *RAW_INGESTION], env)
    assert result.returncode == 0, result.output[-3000:]
    connection = duckdb.connect(env["CS_WAREHOUSE_PATH"], read_only=True)
    kept = dict(
        connection.execute(
            "select source_table, rows_kept from audit.row_reconciliation"
        ).fetchall()
    )
    connection.close()
    for path in clean_dir.glob("*.csv"):
        assert kept[path.stem] == raw_row_count(path), path.stem


def test_raw_views_expose_exactly_the_contract_columns(built) -> None:
    connection, _, _, _ = built
    for table, spec in load_raw_contract().items():
        columns = [row[0] for row in connection.execute(f"describe raw.{table}").fetchall()]
        assert columns == list(spec.column_names), table


def test_every_contract_column_is_required_in_the_files(clean_dir: Path, failing_dir: Path) -> None:
    """Each file lacks its last contract column: one error names every file and column."""
    contract = load_raw_contract()

    def drop_last_columns(raw: Path) -> None:
        for table, spec in contract.items():
            rows = read_rows(raw / f"{table}.csv")
            fields = list(spec.column_names[:-1])
            with (raw / f"{table}.csv").open("w", newline="", encoding="utf-8") as handle:
                writer = csv.DictWriter(handle, fieldnames=fields, extrasaction="ignore")
                writer.writeheader()
                writer.writerows(rows)

    output, warehouse = run_failing(clean_dir, failing_dir, drop_last_columns)
    for table, spec in contract.items():
        assert f'{table}.csv has no column "{spec.column_names[-1]}"' in output, table
    assert_nothing_written(warehouse)


ADDED_COLUMN = """          - name: account_manager
            description: The account's manager at the vendor.
            config:
              meta: {type: string, accepted: [Ann, Bob]}
"""


def test_a_column_added_to_the_contract_flows_through(tmp_path: Path) -> None:
    """docs/raw-data.md "Adding a raw column": one edit of the contract file of a copy of the
    project, and the generator writes the column, the loader exposes it, the validator checks it
    and the page lists it."""
    project = tmp_path / "project"
    for part in ("models", "macros", "tools", "docs"):
        shutil.copytree(PROJECT_DIR / part, project / part, ignore=shutil.ignore_patterns("*.pyc"))
    for name in ("dbt_project.yml", "profiles.yml"):
        shutil.copy(PROJECT_DIR / name, project / name)
    (project / "customer_success").mkdir()
    for name in ("__init__.py", "raw_contract.py"):
        shutil.copy(PROJECT_DIR / "customer_success" / name, project / "customer_success" / name)
    sources = project / "models/staging/billing/base/_billing_base__sources.yml"
    text = sources.read_text(encoding="utf-8")
    anchor = "          - name: segment\n"
    assert text.count(anchor) == 1
    sources.write_text(text.replace(anchor, ADDED_COLUMN + anchor), encoding="utf-8")

    def python(*args: str) -> None:
        subprocess.run([sys.executable, *args], cwd=project, check=True, capture_output=True)

    raw = tmp_path / "raw"
    python("-m", "tools.generate_data", "--out", str(raw), "--customers", "20", "--seed", "3")
    customers = read_rows(raw / "customers.csv")
    assert list(customers[0])[:3] == ["customer_id", "customer_name", "account_manager"]
    assert {row["account_manager"] for row in customers} == {""}
    customers[0]["account_manager"] = "Ann"
    customers[1]["account_manager"] = "Zed"
    with (raw / "customers.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(customers[0]))
        writer.writeheader()
        writer.writerows(customers)

    env = isolated_env(tmp_path, raw, CS_PROJECT_DIR=str(project), DBT_PROFILES_DIR=str(project))
    result = subprocess.run(
        [str(DBT), "run", "--select", "base_billing__customers"],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, (result.stdout + result.stderr)[-3000:]
    with duckdb.connect(env["CS_WAREHOUSE_PATH"], read_only=True) as connection:
        raw_columns = [row[0] for row in connection.execute("describe raw.customers").fetchall()]
        assert raw_columns[2] == "account_manager"
        rows = dict(
            connection.execute(
                "select account_manager, quarantine_reason from staging.base_billing__customers "
                "where account_manager is not null"
            ).fetchall()
        )
    assert rows == {"Ann": None, "Zed": "account_manager 'Zed' is not one of Ann, Bob"}

    python("-m", "tools.raw_docs")
    page = (project / "docs/raw-data.md").read_text(encoding="utf-8")
    assert "| `account_manager` | string |  | one of `Ann`, `Bob` | The account's manager" in page
