"""Tests of the raw contract loader (customer_success/raw_contract.py) and the page generated from
it (tools/raw_docs.py, docs/raw-data.md)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from customer_success.raw_contract import (
    PROJECT_DIR,
    RawContractError,
    load_raw_contract,
    segments,
)
from tools import raw_docs

SOURCES = PROJECT_DIR / "models" / "staging"
VALID_TABLE = """
version: 2
sources:
  - name: shop
    schema: raw
    tables:
      - name: orders
        description: One row per order.
        config:
          meta: {required: true, key: [order_id], event_column: ordered_at}
        columns:
          - name: order_id
            description: The order's identifier.
            config:
              meta: {type: string, required: true}
          - name: ordered_at
            description: When it was ordered.
            config:
              meta: {type: timestamp, required: true}
          - name: total
            description: The total.
            config:
              meta: {type: decimal, scale: 2, min: 0, min_exclusive: true}
          - name: kind
            description: What was ordered.
            config:
              meta: {type: string, accepted: [a, b]}
"""


def contract_dir(tmp_path: Path, text: str, source: str = "shop") -> Path:
    base = tmp_path / "models" / "staging" / source / "base"
    base.mkdir(parents=True, exist_ok=True)
    (base / f"_{source}_base__sources.yml").write_text(text)
    return tmp_path


def test_the_project_contract_has_every_raw_table_in_source_order() -> None:
    contract = load_raw_contract()
    assert list(contract) == [
        "customers",
        "expenses",
        "fx_rates",
        "invoices",
        "plans",
        "subscriptions",
        "engagement_events",
        "product_usage",
        "agents",
        "ticket_interactions",
        "tickets",
        "survey_invitations",
        "survey_responses",
    ]
    assert [table.source for table in contract.values()] == sorted(
        table.source for table in contract.values()
    )
    subscriptions = contract["subscriptions"]
    assert subscriptions.key == ("subscription_id", "valid_from")
    assert subscriptions.event_column == "valid_from"
    assert subscriptions.column("is_trial").type == "boolean"
    assert contract["fx_rates"].column("usd_per_unit").minimum_exclusive
    assert contract["fx_rates"].column("usd_per_unit").scale == 10
    assert contract["tickets"].column("severity").maximum == 4
    assert not contract["expenses"].required and contract["customers"].required


def test_segments_are_the_accepted_values_of_customers_segment() -> None:
    assert segments() == ("smb", "mid_market", "enterprise")


def test_a_valid_contract_loads_into_specs(tmp_path: Path) -> None:
    orders = load_raw_contract(contract_dir(tmp_path, VALID_TABLE))["orders"]
    assert orders.source == "shop"
    assert orders.column_names == ("order_id", "ordered_at", "total", "kind")
    assert orders.column("total").minimum == 0 and orders.column("total").scale == 2
    assert orders.column("kind").accepted == ("a", "b")
    with pytest.raises(KeyError, match="no column nope"):
        orders.column("nope")


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("type: timestamp", "type: datetime", "orders.ordered_at: type must be one of"),
        ("scale: 2, ", "", "orders.total: a decimal needs an integer scale"),
        ("key: [order_id]", "key: [order_no]", "orders: key ['order_no'] must name required"),
        ("event_column: ordered_at", "event_column: total", "event_column total is not a date"),
        ("event_column: ordered_at", "event_column: paid_at", "event_column paid_at is not a"),
        ("required: true, key", "required: yes please, key", "meta required must be true or"),
        ("accepted: [a, b]", "accepted: [a, b], choices: [c]", "unknown column meta ['choices']"),
        ("description: When it was ordered.", "description: ''", "ordered_at: needs a descr"),
        ("{type: decimal, scale: 2,", "{type: string,", "min and max need a number column"),
        ("{type: string, accepted", "{type: integer, accepted", "accepted values need a string"),
    ],
)
def test_a_malformed_contract_is_a_clear_error(
    tmp_path: Path, old: str, new: str, message: str
) -> None:
    assert old in VALID_TABLE
    root = contract_dir(tmp_path, VALID_TABLE.replace(old, new))
    with pytest.raises(RawContractError, match=message.replace("[", r"\[").replace("]", r"\]")):
        load_raw_contract(root)


def test_a_table_defined_twice_is_an_error(tmp_path: Path) -> None:
    contract_dir(tmp_path, VALID_TABLE, "shop")
    contract_dir(tmp_path, VALID_TABLE.replace("name: shop", "name: store"), "store")
    with pytest.raises(RawContractError, match="raw table orders is defined twice"):
        load_raw_contract(tmp_path)


def test_no_contract_files_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(RawContractError, match="no raw contract files"):
        load_raw_contract(tmp_path)


def test_the_committed_page_shows_the_contract() -> None:
    """docs/raw-data.md is what python -m tools.raw_docs writes from the contract."""
    text = (PROJECT_DIR / raw_docs.DOC).read_text(encoding="utf-8")
    assert raw_docs.render(text, load_raw_contract()) == text
    for name, table in load_raw_contract().items():
        assert f"### {name}\n" in text
        for column in table.columns:
            assert f"| `{column.name}` | " in text, f"{name}.{column.name}"


def test_raw_docs_rewrites_a_stale_page_and_check_says_so(tmp_path: Path) -> None:
    shutil.copytree(SOURCES, tmp_path / "models" / "staging")
    page = tmp_path / raw_docs.DOC
    page.parent.mkdir()
    page.write_text(f"# Raw data\n\nintro\n\n{raw_docs.START}\nold tables\n{raw_docs.END}\n\nend\n")
    assert raw_docs.main(["--check", "--project-dir", str(tmp_path)]) == 1
    assert raw_docs.main(["--project-dir", str(tmp_path)]) == 0
    text = page.read_text()
    assert "old tables" not in text and text.startswith("# Raw data\n\nintro\n\n")
    assert text.endswith(f"{raw_docs.END}\n\nend\n")
    assert "| `usd_per_unit` | decimal (10 places kept) | yes | > 0 |" in text
    assert raw_docs.main(["--check", "--project-dir", str(tmp_path)]) == 0


def test_a_page_without_its_markers_is_refused() -> None:
    with pytest.raises(ValueError, match="needs exactly one block"):
        raw_docs.render("no markers here", load_raw_contract())
