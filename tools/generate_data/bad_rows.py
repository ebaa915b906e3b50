"""The documented contract-breaking rows of ``--inject-bad-rows`` (see BAD_ROWS), appended once,
after the first chunk, as CSV-style text."""

from collections.abc import Iterable

import pyarrow as pa

from tools.generate_data.context import ID_WIDTH, Context
from tools.generate_data.contract import TABLES
from tools.generate_data.writers import to_text

# A column written as text in Parquet when bad rows are injected (it carries an unparseable date).
TEXT_IN_PARQUET_WITH_BAD_ROWS = {("survey_responses", "responded_at")}

BAD_ROWS: tuple[tuple[str, str], ...] = (
    ("customers", "exact duplicate of the first customer row"),
    ("subscriptions", "a version with valid_to = valid_from (valid_to must be > valid_from)"),
    ("invoices", "a second, different row (other amount) with an existing invoice_id"),
    ("invoices", "an invoice (invoice_type invoice) with a negative amount"),
    ("invoices", "an invoice in CHF, a currency without fx rates"),
    ("expenses", "an expense in CHF, a currency without fx rates"),
    ("tickets", "a ticket with an empty ticket_id (missing key)"),
    ("tickets", "a ticket whose customer_id does not exist"),
    ("tickets", "a ticket with severity 5 (out of range 1-4)"),
    ("ticket_interactions", "an interaction whose ticket_id does not exist"),
    ("survey_invitations", "an invitation whose customer_id does not exist"),
    ("survey_responses", "an nps response with score 11 (out of range 0-10)"),
    ("survey_responses", "a response with responded_at 2024-02-30T09:00:00Z (unparseable)"),
    ("product_usage", "exact duplicate of a usage row"),
    ("engagement_events", "exact duplicate of an event row"),
)


TextRow = dict[str, str | None]


def text_row(table: pa.Table, name: str, i: int) -> TextRow:
    kinds = dict(TABLES[name])
    row = table.slice(i, 1)
    return {
        col: to_text(row.column(col).combine_chunks(), kinds[col])[0].as_py()
        for col in row.column_names
    }


def text_table(name: str, rows: Iterable[TextRow]) -> pa.Table:
    rows = list(rows)
    return pa.table({c: pa.array([r[c] for r in rows], pa.string()) for c, _ in TABLES[name]})


def bad_rows(ctx: Context, tables: dict[str, pa.Table]) -> dict[str, list[TextRow]]:
    """The documented contract-breaking rows (see BAD_ROWS), built from the first chunk."""

    def row(name: str, i: int = 0) -> TextRow:
        return text_row(tables[name], name, min(i, tables[name].num_rows - 1))

    unknown_customer = "C" + "9" * ctx.cust_width
    unknown_ticket = "T" + "9" * ID_WIDTH
    out: dict[str, list[TextRow]] = {name: [] for name in TABLES}
    out["customers"].append(row("customers"))
    if tables["subscriptions"].num_rows:
        sub = row("subscriptions") | {
            "valid_to": row("subscriptions")["valid_from"],
            "cancel_reason": None,
        }
        sub["subscription_id"] = f"S{ctx.next_ids('subscription', 1)[0]:0{ID_WIDTH}d}"
        out["subscriptions"].append(sub)
    if tables["invoices"].num_rows:
        out["invoices"] += invoice_bad_rows(ctx, row("invoices", 2))
    out["expenses"].append(
        row("expenses")
        | {
            "expense_id": f"E{ctx.next_ids('expense', 1)[0]:06d}",
            "currency": "CHF",
            "amount": "1250.00",
        }
    )
    if tables["tickets"].num_rows:
        out["tickets"] += ticket_bad_rows(ctx, row("tickets", 3), unknown_customer)
        out["ticket_interactions"].append(
            row("ticket_interactions")
            | {
                "interaction_id": f"TI{ctx.next_ids('interaction', 1)[0]:0{ID_WIDTH}d}",
                "ticket_id": unknown_ticket,
            }
        )
    if tables["survey_invitations"].num_rows:
        out["survey_invitations"].append(
            row("survey_invitations")
            | {
                "invitation_id": f"SI{ctx.next_ids('invitation', 1)[0]:0{ID_WIDTH}d}",
                "customer_id": unknown_customer,
            }
        )
    if tables["survey_responses"].num_rows:
        out["survey_responses"] += response_bad_rows(ctx, row("survey_responses"))
    for name in ("product_usage", "engagement_events"):
        if tables[name].num_rows:
            out[name].append(row(name, tables[name].num_rows // 2))
    return out


def invoice_bad_rows(ctx: Context, base: TextRow) -> list[TextRow]:
    def fresh() -> str:
        return f"INV{ctx.next_ids('invoice', 1)[0]:0{ID_WIDTH}d}"

    conflict = base | {"amount": "999.99"}
    negative = base | {
        "invoice_id": fresh(),
        "amount": "-123.45",
        "invoice_type": "invoice",
        "status": "open",
        "paid_at": None,
    }
    swiss = base | {"invoice_id": fresh(), "currency": "CHF", "amount": "480.00"}
    return [conflict, negative, swiss]


def ticket_bad_rows(ctx: Context, base: TextRow, unknown_customer: str) -> list[TextRow]:
    def fresh() -> str:
        return f"T{ctx.next_ids('ticket', 1)[0]:0{ID_WIDTH}d}"

    return [
        base | {"ticket_id": None},
        base | {"ticket_id": fresh(), "customer_id": unknown_customer},
        base | {"ticket_id": fresh(), "severity": "5"},
    ]


def response_bad_rows(ctx: Context, base: TextRow) -> list[TextRow]:
    def fresh() -> str:
        return f"SR{ctx.next_ids('response', 1)[0]:0{ID_WIDTH}d}"

    nps = base | {
        "response_id": fresh(),
        "invitation_id": None,
        "survey_type": "nps",
        "score": "11",
        "touchpoint": "relationship",
        "ticket_id": None,
    }
    bad_date = base | {
        "response_id": fresh(),
        "invitation_id": None,
        "responded_at": "2024-02-30T09:00:00Z",
    }
    return [nps, bad_date]
