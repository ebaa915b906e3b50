"""End to end: faults in the raw files (docs/raw-data.md, "What happens to a bad row").

One tiny generated dataset gets the faults that used to fail a whole build:

* a referral chain of depth 5 under a quarantined root, a referral cycle, a customer referring
  itself, and the corrected duplicate (a customer written twice, once with an edited name, whose
  referral chain goes two levels down): every row below a quarantined one is quarantined with a
  reason naming its parent, and the build (with the `relationships` tests) passes;
* ragged CSV lines (an unquoted decimal comma that adds a column, a line missing a column): each
  is quarantined with its line number and the parser's reason, and reconciled.

Bad files (semicolon-separated, empty, a duplicated header) must fail with one line naming the
file, and an empty optional file reads as empty.
"""

from __future__ import annotations

import csv
import itertools
import json
import shutil
from pathlib import Path

import duckdb
import pytest

from tests.dbt_runner import build_raw_ingestion, generate_data, isolated_env, run_dbt

AS_OF = "2025-06-30"
CHAIN = [f"C_CHAIN_{depth}" for depth in range(1, 6)]


def read_rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def append_rows(path: Path, rows: list[dict[str, str]]) -> None:
    with path.open(newline="", encoding="utf-8") as handle:
        header = next(csv.reader(handle))
    with path.open("a", newline="", encoding="utf-8") as handle:
        csv.DictWriter(handle, fieldnames=header, lineterminator="\n").writerows(rows)


def append_lines(path: Path, lines: list[str]) -> list[int]:
    """Append raw text lines to a CSV file; return their line numbers (the header is line 1)."""
    text = path.read_text(encoding="utf-8")
    if not text.endswith("\n"):
        text += "\n"
    first = text.count("\n") + 1
    path.write_text(text + "".join(line + "\n" for line in lines), encoding="utf-8")
    return list(range(first, first + len(lines)))


@pytest.fixture(scope="module")
def clean_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generate_data(tmp_path_factory.mktemp("clean") / "raw", customers=30, seed=5)


def referral(base: dict[str, str], customer_id: str, parent: str, **changes: str) -> dict:
    return {
        **base,
        "customer_id": customer_id,
        "acquisition_channel": "referral",
        "referred_by_customer_id": parent,
        **changes,
    }


def inject_reference_faults(raw: Path) -> dict[str, str]:
    """Append the referral faults; return {customer_id: expected reason fragment}."""
    customers = read_rows(raw / "customers.csv")
    base = {**customers[1], "referred_by_customer_id": ""}
    twin = customers[0]
    rows = [
        # a chain of depth 5 under a root quarantined for a reason of its own
        {**base, "customer_id": CHAIN[0], "segment": "huge"},
        *(referral(base, child, parent) for parent, child in itertools.pairwise(CHAIN)),
        # a cycle of two, and a customer referring itself
        referral(base, "C_CYCLE_A", "C_CYCLE_B"),
        referral(base, "C_CYCLE_B", "C_CYCLE_A"),
        referral(base, "C_SELF", "C_SELF"),
        # the corrected duplicate: an exact copy (collapsed) and an edited copy (key twins)
        twin,
        {**twin, "customer_name": twin["customer_name"] + "."},
        referral(base, "C_TWIN_CHILD", twin["customer_id"]),
        referral(base, "C_TWIN_GRANDCHILD", "C_TWIN_CHILD"),
        # a clean chain stays clean
        referral(base, "C_CLEAN_CHILD", customers[2]["customer_id"]),
        referral(base, "C_CLEAN_GRANDCHILD", "C_CLEAN_CHILD"),
    ]
    append_rows(raw / "customers.csv", rows)
    subscription = read_rows(raw / "subscriptions.csv")[0]
    append_rows(
        raw / "subscriptions.csv",
        [{**subscription, "subscription_id": "S_OF_CHAIN_END", "customer_id": CHAIN[-1]}],
    )
    expected = {CHAIN[0]: "is not one of smb, mid_market, enterprise"}
    for parent, child in itertools.pairwise(CHAIN):
        expected[child] = f"referred_by_customer_id '{parent}' is quarantined in customers"
    expected["C_CYCLE_A"] = "'C_CYCLE_B' leads into a reference cycle in customers"
    expected["C_CYCLE_B"] = "'C_CYCLE_A' leads into a reference cycle in customers"
    expected["C_SELF"] = "'C_SELF' leads into a reference cycle in customers"
    expected["C_TWIN_CHILD"] = f"'{twin['customer_id']}' is quarantined in customers"
    expected["C_TWIN_GRANDCHILD"] = "'C_TWIN_CHILD' is quarantined in customers"
    return expected


RAGGED = [
    # an unquoted decimal comma: one column too many
    ("TOO MANY COLUMNS", lambda row: {**row, "invoice_id": "I_RAGGED_COMMA", "amount": "4189,50"}),
    # the last column left out
    ("MISSING COLUMNS", lambda row: {**row, "invoice_id": "I_RAGGED_SHORT"}),
]


def inject_ragged_lines(raw: Path) -> dict[int, str]:
    """Append ragged lines to invoices.csv; return {line number: expected error type}."""
    path = raw / "invoices.csv"
    with path.open(newline="", encoding="utf-8") as handle:
        header = next(csv.reader(handle))
    invoice = read_rows(path)[0]
    comma = RAGGED[0][1](invoice)
    short = RAGGED[1][1](invoice)
    lines = [
        ",".join(comma[name] for name in header),
        ",".join(short[name] for name in header[:-1]),
    ]
    numbers = append_lines(path, lines)
    return {numbers[0]: RAGGED[0][0], numbers[1]: RAGGED[1][0]}


@pytest.fixture(scope="module")
def built(clean_dir: Path, tmp_path_factory: pytest.TempPathFactory):
    work = tmp_path_factory.mktemp("faults")
    raw = work / "raw"
    shutil.copytree(clean_dir, raw)
    invoices_before = len(read_rows(raw / "invoices.csv"))
    expected = inject_reference_faults(raw)
    ragged = inject_ragged_lines(raw)
    env = isolated_env(work, raw)
    result = build_raw_ingestion(env, AS_OF, 0.9)
    assert result.returncode == 0, result.output[-4000:]
    connection = duckdb.connect(env["CS_WAREHOUSE_PATH"], read_only=True)
    yield connection, expected, ragged, invoices_before
    connection.close()


def quarantine_reasons(connection: duckdb.DuckDBPyConnection, table: str) -> dict[str, str]:
    rows = connection.execute(
        "select row_key, reason from audit.quarantined_rows where source_table = ?", [table]
    ).fetchall()
    return {key: reason for key, reason in rows}


def test_a_quarantined_parent_takes_its_whole_chain_along(built) -> None:
    connection, expected, _, _ = built
    reasons = quarantine_reasons(connection, "customers")
    for customer_id, fragment in expected.items():
        assert customer_id in reasons, f"{customer_id} is not quarantined"
        assert fragment in reasons[customer_id], (customer_id, reasons[customer_id])
    clean = {
        row[0]
        for row in connection.execute(
            "select customer_id from staging.stg_billing__customers"
        ).fetchall()
    }
    assert not clean & set(expected)
    assert {"C_CLEAN_CHILD", "C_CLEAN_GRANDCHILD"} <= clean


def test_the_corrected_duplicate_quarantines_both_twins_and_collapses_the_copy(built) -> None:
    connection, _, _, _ = built
    twin = connection.execute(
        "select row_key, count(*) from audit.quarantined_rows where source_table = 'customers' "
        "and reason like '%appears in 2 different rows%' group by row_key"
    ).fetchall()
    assert len(twin) == 1 and twin[0][1] == 2
    duplicates = connection.execute(
        "select duplicates_removed from audit.row_reconciliation where source_table = 'customers'"
    ).fetchone()
    assert duplicates == (1,)


def test_a_child_table_follows_the_chain(built) -> None:
    connection, _, _, _ = built
    reasons = connection.execute(
        "select reason from audit.quarantined_rows "
        "where source_table = 'subscriptions' and row_key like 'S_OF_CHAIN_END|%'"
    ).fetchall()
    assert reasons == [(f"customer_id '{CHAIN[-1]}' not found in customers",)]


def test_ragged_lines_are_quarantined_with_their_line_numbers(built) -> None:
    connection, _, ragged, _ = built
    rows = connection.execute(
        "select row_key, reason, raw_row from audit.quarantined_rows "
        "where source_table = 'invoices' and row_key like 'line %'"
    ).fetchall()
    found = {key: (reason, json.loads(raw_row)) for key, reason, raw_row in rows}
    assert sorted(found) == sorted(f"line {number}" for number in ragged)
    for number, error_type in ragged.items():
        reason, raw_row = found[f"line {number}"]
        assert reason.startswith(f"line {number}: {error_type.lower()} ("), reason
        assert raw_row["line_number"] == number
    assert "4189,50" in found[f"line {min(ragged)}"][1]["raw_line"]
    kept = connection.execute(
        "select count(*) from staging.stg_billing__invoices "
        "where invoice_id in ('I_RAGGED_COMMA', 'I_RAGGED_SHORT')"
    ).fetchone()
    assert kept == (0,)


def test_ragged_lines_are_reconciled(built) -> None:
    connection, _, ragged, invoices_before = built
    read, kept, quarantined, duplicates = connection.execute(
        "select rows_read, rows_kept, rows_quarantined, duplicates_removed "
        "from audit.row_reconciliation where source_table = 'invoices'"
    ).fetchone()
    assert read == invoices_before + len(ragged)
    assert read == kept + quarantined + duplicates
    assert quarantined >= len(ragged)


@pytest.fixture(scope="module")
def failing_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("bad_files")


def run_on(clean_dir: Path, workdir: Path, mutate, args: list[str]):
    raw = workdir / "raw"
    shutil.rmtree(raw, ignore_errors=True)
    shutil.copytree(clean_dir, raw)
    mutate(raw)
    env = isolated_env(workdir, raw)
    Path(env["CS_WAREHOUSE_PATH"]).unlink(missing_ok=True)
    return run_dbt(args, env), env


def test_bad_files_get_one_line_each_naming_the_file(clean_dir: Path, failing_dir: Path) -> None:
    def break_files(raw: Path) -> None:
        plans = raw / "plans.csv"
        plans.write_text(plans.read_text(encoding="utf-8").replace(",", ";"), encoding="utf-8")
        (raw / "tickets.csv").write_bytes(b"")
        agents = read_rows(raw / "agents.csv")
        with (raw / "agents.csv").open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow([*agents[0], "team"])
            writer.writerows([*row.values(), row["team"]] for row in agents)

    result, _ = run_on(clean_dir, failing_dir, break_files, ["run", "--select", "staging"])
    assert result.returncode != 0
    lines = result.output.splitlines()
    expected = [
        "plans.csv must be comma-separated (its header is separated by semicolons)",
        "tickets.csv is empty",
        'agents.csv has the column "team" 2 times in its header',
    ]
    for fragment in expected:
        assert any(fragment in line for line in lines), (fragment, result.output[-3000:])
    assert "sniff" not in result.output.lower()


def test_an_empty_optional_file_reads_as_empty(clean_dir: Path, failing_dir: Path) -> None:
    result, env = run_on(
        clean_dir,
        failing_dir,
        lambda raw: (raw / "fx_rates.csv").write_bytes(b""),
        ["run", "--select", "base_billing__fx_rates"],
    )
    assert result.returncode == 0, result.output[-3000:]
    connection = duckdb.connect(env["CS_WAREHOUSE_PATH"], read_only=True)
    count = connection.execute("select count(*) from raw.fx_rates").fetchone()
    connection.close()
    assert count == (0,)
