"""Deterministic sample-data generator for the customer_success warehouse.

Writes the 13 raw tables of ``shared/contract/raw_data.md`` as ``<table>.csv`` (or
``<table>.parquet``) into ``--out``::

    python -m tools.generate_data --out seeds --customers 400 --start 2023-01-01 \
        --end 2025-06-30 --seed 42 --format csv --inject-bad-rows

The output depends only on the arguments: two runs with the same arguments (and the same
numpy / pyarrow versions) give byte-identical files.

How it works
------------
* Small global tables (plans, agents, fx_rates, expenses) are written first.
* Customers are generated in chunks (``--chunk-size``, default 10,000). Signup times are
  drawn once for all customers (sorted, so ``C000001`` is the earliest customer); every other
  attribute and every child row of a chunk comes from random streams seeded with
  ``(seed, stream, chunk index)``. Each chunk is appended to the output files (CSV append,
  Parquet row groups via ``ParquetWriter``), so memory stays bounded by the chunk size.
* Each customer has a latent *happiness*. Unhappy customers churn more, upgrade less, open
  more (and more severe) tickets, answer surveys with lower scores, use the product less,
  pay later and open fewer e-mails, so a health score computed from the data has signal.

Dates: nothing is dated after ``--end``. Versions still in force at ``--end`` have an empty
``valid_to``; invoice due dates are capped at ``--end``; FX rates start on or before
``--start``.

CSV: header row, UTF-8, comma, ``"`` quoting only where a value needs it, empty = null,
dates ``YYYY-MM-DD``, timestamps ``YYYY-MM-DDTHH:MM:SSZ``, booleans ``true``/``false``.
Parquet: typed columns (string, int64, decimal128, bool, date32, timestamp[us] in UTC without
zone). With ``--inject-bad-rows`` the column ``survey_responses.responded_at`` is written as
text in Parquet too, so that it can carry the unparseable date.

Bad rows (``--inject-bad-rows``), appended once, after the first chunk — see ``BAD_ROWS``.

``--append-day`` adds one more day to an existing directory instead (see tools/append_day.py).
"""

import argparse
import math
import sys
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import BinaryIO

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

# --------------------------------------------------------------------------------------------
# Contract: tables, columns and their kinds
# --------------------------------------------------------------------------------------------

TABLES: dict[str, tuple[tuple[str, str], ...]] = {
    "customers": (
        ("customer_id", "str"),
        ("customer_name", "str"),
        ("segment", "str"),
        ("country", "str"),
        ("industry", "str"),
        ("signed_up_at", "ts"),
        ("acquisition_channel", "str"),
        ("referred_by_customer_id", "str"),
        ("onboarding_completed_at", "ts"),
        ("first_value_at", "ts"),
    ),
    "plans": (
        ("plan_id", "str"),
        ("plan_name", "str"),
        ("tier", "str"),
        ("billing_interval", "str"),
        ("list_price", "dec2"),
        ("currency", "str"),
    ),
    "subscriptions": (
        ("subscription_id", "str"),
        ("customer_id", "str"),
        ("plan_id", "str"),
        ("valid_from", "date"),
        ("valid_to", "date"),
        ("is_trial", "bool"),
        ("seats", "int"),
        ("recurring_amount", "dec2"),
        ("billing_interval", "str"),
        ("currency", "str"),
        ("cancel_reason", "str"),
    ),
    "invoices": (
        ("invoice_id", "str"),
        ("customer_id", "str"),
        ("subscription_id", "str"),
        ("invoice_type", "str"),
        ("issued_at", "ts"),
        ("due_date", "date"),
        ("amount", "dec2"),
        ("currency", "str"),
        ("status", "str"),
        ("paid_at", "ts"),
    ),
    "fx_rates": (("rate_date", "date"), ("currency", "str"), ("usd_per_unit", "dec6")),
    "expenses": (
        ("expense_id", "str"),
        ("expense_month", "date"),
        ("cost_type", "str"),
        ("category", "str"),
        ("amount", "dec2"),
        ("currency", "str"),
    ),
    "agents": (("agent_id", "str"), ("agent_name", "str"), ("team", "str"), ("hired_at", "date")),
    "tickets": (
        ("ticket_id", "str"),
        ("customer_id", "str"),
        ("created_at", "ts"),
        ("first_response_at", "ts"),
        ("resolved_at", "ts"),
        ("status", "str"),
        ("severity", "int"),
        ("channel", "str"),
        ("category", "str"),
        ("assignee_agent_id", "str"),
        ("reopened_count", "int"),
    ),
    "ticket_interactions": (
        ("interaction_id", "str"),
        ("ticket_id", "str"),
        ("agent_id", "str"),
        ("channel", "str"),
        ("started_at", "ts"),
        ("talk_seconds", "int"),
        ("hold_seconds", "int"),
        ("after_work_seconds", "int"),
    ),
    "survey_invitations": (
        ("invitation_id", "str"),
        ("customer_id", "str"),
        ("survey_type", "str"),
        ("channel", "str"),
        ("touchpoint", "str"),
        ("ticket_id", "str"),
        ("sent_at", "ts"),
    ),
    "survey_responses": (
        ("response_id", "str"),
        ("invitation_id", "str"),
        ("customer_id", "str"),
        ("survey_type", "str"),
        ("score", "int"),
        ("responded_at", "ts"),
        ("touchpoint", "str"),
        ("ticket_id", "str"),
        ("comment", "str"),
    ),
    "product_usage": (
        ("customer_id", "str"),
        ("usage_date", "date"),
        ("active_users", "int"),
        ("sessions", "int"),
        ("key_feature_events", "int"),
    ),
    "engagement_events": (
        ("event_id", "str"),
        ("customer_id", "str"),
        ("event_type", "str"),
        ("occurred_at", "ts"),
    ),
}
GLOBAL_TABLES = ("plans", "agents", "fx_rates", "expenses")
CHUNK_TABLES = tuple(t for t in TABLES if t not in GLOBAL_TABLES)

ARROW_TYPES: dict[str, pa.DataType] = {
    "str": pa.string(),
    "int": pa.int64(),
    "dec2": pa.decimal128(18, 2),
    "dec6": pa.decimal128(18, 6),
    "bool": pa.bool_(),
    "date": pa.date32(),
    "ts": pa.timestamp("us"),
}
TS_FORMAT = "%Y-%m-%dT%H:%M:%SZ"
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

# --------------------------------------------------------------------------------------------
# Domain constants
# --------------------------------------------------------------------------------------------

DAY = 86_400
HOUR = 3_600
NULL = -1

SEGMENTS = ("smb", "mid_market", "enterprise")
SEGMENT_P = (0.60, 0.30, 0.10)
TIERS = ("starter", "pro", "enterprise")
INTERVALS = ("month", "quarter", "year")
INTERVAL_MONTHS = np.array([1, 3, 12])
INTERVAL_PRICE_FACTOR = (1.0, 3 * 0.95, 12 * 0.85)
INTERVAL_LABEL = ("monthly", "quarterly", "annual")
CURRENCIES = ("USD", "EUR", "GBP")
MONTHLY_SEAT_PRICE = {"USD": (19, 49, 99), "EUR": (18, 45, 92), "GBP": (15, 39, 79)}
FX_START = {"EUR": 1.07, "GBP": 1.24}

COUNTRIES = (
    ("US", 0.36, "USD"),
    ("GB", 0.12, "GBP"),
    ("DE", 0.10, "EUR"),
    ("FR", 0.06, "EUR"),
    ("NL", 0.04, "EUR"),
    ("ES", 0.03, "EUR"),
    ("IT", 0.02, "EUR"),
    ("IE", 0.02, "EUR"),
    ("CA", 0.06, "USD"),
    ("AU", 0.04, "USD"),
    ("IN", 0.04, "USD"),
    ("BR", 0.03, "USD"),
    ("SE", 0.03, "USD"),
    ("JP", 0.02, "USD"),
    ("SG", 0.03, "USD"),
)
INDUSTRIES = (
    "Software",
    "Retail",
    "Healthcare",
    "Financial services",
    "Manufacturing",
    "Education",
    "Logistics",
    "Media",
    "Professional services",
    "Non-profit",
)
CHANNELS_ACQ = ("organic", "paid", "partner", "referral", "outbound")
CHANNEL_ACQ_P = {
    0: (0.34, 0.27, 0.10, 0.17, 0.12),
    1: (0.25, 0.20, 0.15, 0.15, 0.25),
    2: (0.12, 0.08, 0.20, 0.15, 0.45),
}
NAME_HEADS = (
    "Acme",
    "Blue Harbor",
    "Northwind",
    "Globex",
    "Initech",
    "Umbrella",
    "Stark",
    "Wayne",
    "Müller",
    "Café Lumière",
    "Nordic",
    "Sakura",
    "Red Rock",
    "Silver Lake",
    "Bright Path",
    "O'Neill",
    "Ærø",
    "Pinecone",
    "Quantum",
    "Harbor & Sons",
)
NAME_BODIES = (
    "Logistics",
    "Analytics",
    "Foods",
    "Health",
    "Systems",
    "Labs",
    "Media",
    "Capital",
    "Retail",
    "Studios",
)
NAME_TAILS = ("", " Inc.", ", Inc.", " Ltd", " GmbH", " SARL", ", LLC", ' "Group"')

CANCEL_REASONS = (
    "too_expensive",
    "missing_features",
    "poor_support",
    "low_usage",
    "switched_competitor",
    "business_closed",
    "budget_cuts",
    "trial_expired",
)
REASON_TRIAL = CANCEL_REASONS.index("trial_expired")
REASON_P_UNHAPPY = (0.20, 0.15, 0.25, 0.25, 0.10, 0.03, 0.02)
REASON_P_HAPPY = (0.20, 0.15, 0.03, 0.07, 0.15, 0.20, 0.20)

P_TRIAL = np.array([0.55, 0.45, 0.20])
CHURN_MONTHLY = np.array([0.030, 0.018, 0.009])
UPGRADE_MONTHLY = np.array([0.025, 0.035, 0.040])
DOWNGRADE_MONTHLY = 0.010
SWITCH_TO_ANNUAL = 0.015
P_CARD = np.array([0.80, 0.40, 0.05])
PAYMENT_TERMS = np.array([7, 30, 45])

TEAMS = ("frontline", "technical", "billing", "enterprise")
TEAM_OF_SLOT = (0, 0, 0, 0, 1, 1, 2, 3)
FIRST_NAMES = (
    "Ana",
    "Ben",
    "Chloé",
    "Deniz",
    "Elif",
    "Farid",
    "Grace",
    "Hiro",
    "Ines",
    "Jonas",
    "Kemal",
    "Lena",
    "Mateo",
    "Nora",
    "Omar",
    "Priya",
    "Quinn",
    "Rosa",
    "Sven",
    "Tariq",
    "Uma",
    "Viktor",
)
LAST_NAMES = (
    "Yılmaz",
    "Smith",
    "García",
    "Kowalski",
    "Nguyen",
    "Okafor",
    "Schmidt",
    "Rossi",
    "Dubois",
    "Kaya",
    "Tanaka",
    "Silva",
    "Murphy",
    "Novak",
    "Andersen",
    "Patel",
)

TICKET_RATE_MONTHLY = np.array([0.30, 0.70, 1.60])
TICKET_CATEGORIES = ("billing", "bug", "how_to", "outage", "complaint", "account")
CATEGORY_P_HAPPY = (0.16, 0.24, 0.40, 0.06, 0.04, 0.10)
CATEGORY_P_UNHAPPY = (0.18, 0.30, 0.22, 0.08, 0.14, 0.08)
SEVERITY_P_BY_CATEGORY = np.array(
    [
        [0.25, 0.55, 0.17, 0.03],  # billing
        [0.15, 0.45, 0.30, 0.10],  # bug
        [0.55, 0.40, 0.05, 0.00],  # how_to
        [0.00, 0.10, 0.40, 0.50],  # outage
        [0.10, 0.45, 0.35, 0.10],  # complaint
        [0.40, 0.50, 0.10, 0.00],  # account
    ]
)
RESOLVE_HOURS_BY_CATEGORY = np.array([10.0, 50.0, 4.0, 5.0, 30.0, 8.0])
EXTRA_INTERACTIONS_BY_CATEGORY = np.array([0.5, 1.4, 0.35, 0.7, 1.5, 0.4])
TICKET_CHANNELS = ("email", "chat", "phone", "social", "web")
TICKET_CHANNEL_P = (0.38, 0.25, 0.15, 0.05, 0.17)
FIRST_RESPONSE_MEDIAN_S = np.array([3 * HOUR, 120, 30, 2 * HOUR, 4 * HOUR])
TALK_MEDIAN_S = np.array([240, 600, 420, 120, 240])
TICKET_STATUSES = ("new", "open", "pending", "solved", "closed")

SURVEY_TYPES = ("nps", "csat", "ces")
SURVEY_CHANNELS = ("email", "sms", "in_app", "chat")
RESPONSE_RATE = np.array([0.22, 0.38, 0.30, 0.45])
TOUCHPOINTS = ("onboarding", "support", "purchase", "renewal", "relationship")
COMMENTS_POSITIVE = (
    "Great support, thanks!",
    "Fast answer, problem solved.",
    'Love the new "Insights" dashboard',
    "Très bon produit, merci !",
    "Smooth onboarding; the team was great.",
)
COMMENTS_NEUTRAL = (
    "OK overall.",
    "Does the job, but reporting could be better.",
    "Setup took a while,\nbut it works now.",
    "Fine.",
)
COMMENTS_NEGATIVE = (
    "Too slow to resolve, again.",
    "Still waiting for a fix for the export bug.",
    'The "sync" keeps failing, very frustrating',
    "Pricing went up, value did not.",
    "Nobody called me back.",
)
COMMENTS = COMMENTS_POSITIVE + COMMENTS_NEUTRAL + COMMENTS_NEGATIVE

EVENT_TYPES = (
    "email_sent",
    "email_opened",
    "training_completed",
    "webinar_attended",
    "referral_made",
    "social_mention",
)

ID_WIDTH = 8
STREAM_SIGNUPS, STREAM_FX, STREAM_EXPENSES, STREAM_AGENTS, STREAM_OUTAGES = 1, 2, 3, 4, 5
CHUNK_STREAMS = {
    "customers": 100,
    "subscriptions": 101,
    "invoices": 102,
    "tickets": 103,
    "interactions": 104,
    "surveys": 105,
    "usage": 106,
    "engagement": 107,
}

Cols = dict[str, np.ndarray]


# --------------------------------------------------------------------------------------------
# Small numeric helpers
# --------------------------------------------------------------------------------------------


def rng_for(seed: int, *stream: int) -> np.random.Generator:
    """An independent, reproducible random stream for (seed, *stream)."""
    return np.random.default_rng(np.random.SeedSequence([seed, *stream]))


def sigmoid(x: np.ndarray | float) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.asarray(x, dtype=float)))


def pick(rng: np.random.Generator, probs: Sequence[float], size: int) -> np.ndarray:
    """Draw category codes with fixed probabilities."""
    cdf = np.cumsum(np.asarray(probs, dtype=float))
    cdf /= cdf[-1]
    return np.minimum(np.searchsorted(cdf, rng.random(size), side="right"), len(cdf) - 1)


def pick_rows(rng: np.random.Generator, probs: np.ndarray) -> np.ndarray:
    """Draw one category code per row of a (rows x categories) probability matrix."""
    if probs.shape[0] == 0:
        return np.zeros(0, dtype=np.int64)
    cdf = np.cumsum(probs, axis=1)
    cdf /= cdf[:, -1:]
    codes = (rng.random(probs.shape[0])[:, None] > cdf).sum(axis=1)
    return np.minimum(codes, probs.shape[1] - 1)


def uniform_int(rng: np.random.Generator, low: int, high: int, size: int) -> np.ndarray:
    """Integers in [low, high], inclusive."""
    return rng.integers(low, high + 1, size=size, dtype=np.int64)


def lognormal_around(
    rng: np.random.Generator, median: np.ndarray | float, sigma: float, size: int
) -> np.ndarray:
    return np.asarray(median, dtype=float) * rng.lognormal(0.0, sigma, size)


def business_seconds(
    rng: np.random.Generator, size: int, mean_h: float = 14.0, sd_h: float = 3.5
) -> np.ndarray:
    """Seconds into a day, concentrated on office hours (UTC)."""
    secs = rng.normal(mean_h * HOUR, sd_h * HOUR, size)
    return np.clip(secs, 0, DAY - 1).astype(np.int64)


def to_days(d: date) -> int:
    return int(np.datetime64(d, "D").astype(np.int64))


def add_months(days: np.ndarray, months: np.ndarray | int) -> np.ndarray:
    """Calendar month arithmetic on day numbers; the day of month is clamped."""
    d = np.asarray(days, dtype=np.int64).astype("datetime64[D]")
    m = d.astype("datetime64[M]")
    dom = (d - m.astype("datetime64[D]")).astype(np.int64)
    nm = m + np.broadcast_to(np.asarray(months), d.shape).astype("timedelta64[M]")
    first = nm.astype("datetime64[D]")
    month_len = ((nm + 1).astype("datetime64[D]") - first).astype(np.int64)
    return first.astype(np.int64) + np.minimum(dom, month_len - 1)


def month_start(days: np.ndarray) -> np.ndarray:
    d = np.asarray(days, dtype=np.int64).astype("datetime64[D]")
    return d.astype("datetime64[M]").astype("datetime64[D]").astype(np.int64)


def weekday(days: np.ndarray) -> np.ndarray:
    """0 = Monday ... 6 = Sunday."""
    return (np.asarray(days) + 3) % 7


def round_cents(x: np.ndarray) -> np.ndarray:
    return np.round(np.asarray(x, dtype=float)).astype(np.int64)


class Rows:
    """Collects column arrays appended in pieces; ``build`` concatenates them."""

    def __init__(self, *names: str) -> None:
        self.parts: dict[str, list[np.ndarray]] = {n: [] for n in names}

    def add(self, **cols: np.ndarray | int) -> None:
        sizes = {np.size(v) for v in cols.values() if np.ndim(v) > 0}
        size = sizes.pop() if sizes else 1
        for name, values in cols.items():
            arr = np.asarray(values)
            self.parts[name].append(np.full(size, arr) if arr.ndim == 0 else arr)

    def build(self) -> Cols:
        return {
            n: np.concatenate(p) if p else np.zeros(0, dtype=np.int64)
            for n, p in self.parts.items()
        }


def take(cols: Cols, idx: np.ndarray) -> Cols:
    return {k: v[idx] for k, v in cols.items()}


# --------------------------------------------------------------------------------------------
# Arrow column builders
# --------------------------------------------------------------------------------------------


def a_id(prefix: str, width: int, ids: np.ndarray) -> pa.Array:
    """Identifiers such as C000123 from integers; negative = null."""
    ids = np.asarray(ids, dtype=np.int64)
    digits = pc.utf8_lpad(pc.cast(pa.array(np.maximum(ids, 0)), pa.string()), width, "0")
    out = pc.binary_join_element_wise(prefix, digits, "")
    if (ids < 0).any():
        out = pc.if_else(pa.array(ids < 0), pa.scalar(None, pa.string()), out)
    return out


def a_cat(codes: np.ndarray, categories: Sequence[str]) -> pa.Array:
    codes = np.asarray(codes)
    indices = pa.array(np.maximum(codes, 0).astype(np.int32), mask=codes < 0)
    return pa.DictionaryArray.from_arrays(indices, pa.array(list(categories), pa.string()))


def a_ts(secs: np.ndarray) -> pa.Array:
    secs = np.asarray(secs, dtype=np.int64)
    return pa.array(secs, type=pa.timestamp("s"), mask=secs < 0)


def a_date(days: np.ndarray) -> pa.Array:
    days = np.asarray(days, dtype=np.int64)
    return pa.array(days.astype(np.int32), type=pa.date32(), mask=days < 0)


def a_int(values: np.ndarray) -> pa.Array:
    return pa.array(np.asarray(values, dtype=np.int64))


def a_dec(units: np.ndarray, scale: int = 2) -> pa.Array:
    """Decimals from integer minor units (cents for scale 2)."""
    values = np.asarray(units, dtype=np.int64) / 10**scale
    return pa.array(values).cast(pa.decimal128(18, scale))


def a_bool(values: np.ndarray) -> pa.Array:
    return pa.array(np.asarray(values, dtype=bool))


def make_table(name: str, cols: dict[str, pa.Array]) -> pa.Table:
    names = [c for c, _ in TABLES[name]]
    if list(cols) != names:
        raise ValueError(f"{name}: columns {list(cols)} differ from the contract {names}")
    return pa.table(cols)


# --------------------------------------------------------------------------------------------
# Text conversion and writers
# --------------------------------------------------------------------------------------------


def to_text(arr: pa.Array, kind: str) -> pa.Array:
    """The CSV text form of a typed column (nulls stay null)."""
    if pa.types.is_dictionary(arr.type):
        return arr.dictionary_decode()
    if pa.types.is_string(arr.type):
        return arr
    if kind == "ts" or pa.types.is_timestamp(arr.type):
        return pc.strftime(pc.cast(arr, pa.timestamp("s")), format=TS_FORMAT)
    return pc.cast(arr, pa.string())


def csv_quote(arr: pa.Array) -> pa.Array:
    """Quote the values that contain a comma, a quote or a line break."""
    need = pc.match_substring_regex(arr, r'[",\r\n]')
    if not pc.any(need).as_py():
        return arr
    quoted = pc.binary_join_element_wise('"', pc.replace_substring(arr, '"', '""'), '"', "")
    return pc.if_else(need, quoted, arr)


def csv_text_column(arr: pa.Array, kind: str) -> pa.Array:
    if pa.types.is_dictionary(arr.type):
        dictionary = csv_quote(arr.dictionary)
        arr = pa.DictionaryArray.from_arrays(arr.indices, dictionary).dictionary_decode()
        return pc.fill_null(arr, "")
    text = to_text(arr, kind)
    if kind == "str":
        text = csv_quote(text)
    return pc.fill_null(text, "")


def csv_payload(batch: pa.RecordBatch, kinds: Sequence[str]) -> memoryview:
    """The bytes of a batch as CSV lines (no header)."""
    cols = [csv_text_column(batch.column(i), k) for i, k in enumerate(kinds)]
    lines = pc.binary_join_element_wise(*cols, ",") if len(cols) > 1 else cols[0]
    lines = pc.binary_join_element_wise(lines, "", "\n")
    offsets = np.frombuffer(lines.buffers()[1], dtype=np.int32)
    offsets = offsets[lines.offset : lines.offset + len(lines) + 1]
    data = lines.buffers()[2]
    if data is None:
        return memoryview(b"")
    return memoryview(data)[int(offsets[0]) : int(offsets[-1])]


def parquet_schema(name: str, text_columns: set[tuple[str, str]]) -> pa.Schema:
    return pa.schema(
        [
            pa.field(c, pa.string() if (name, c) in text_columns else ARROW_TYPES[k])
            for c, k in TABLES[name]
        ]
    )


def parse_text(arr: pa.Array, kind: str, target: pa.DataType) -> pa.Array:
    """Typed values from CSV-style text (used for bad rows written to Parquet)."""
    if pa.types.is_string(target):
        return arr
    if kind == "ts":
        arr = pc.replace_substring_regex(arr, "Z$", "")
    return pc.cast(arr, target)


def to_parquet_column(arr: pa.Array, kind: str, target: pa.DataType, text: bool) -> pa.Array:
    if text:
        return parse_text(arr, kind, target)
    if pa.types.is_string(target):
        return to_text(arr, kind)
    return pc.cast(arr, target)


class Sink:
    """Writes every table to ``<out>/<table>.<format>``, appending chunk after chunk."""

    def __init__(self, out: Path, fmt: str, text_columns: set[tuple[str, str]]) -> None:
        self.out, self.fmt = out, fmt
        self.rows: dict[str, int] = dict.fromkeys(TABLES, 0)
        self.files: dict[str, BinaryIO] = {}
        self.writers: dict[str, pq.ParquetWriter] = {}
        self.schemas = {name: parquet_schema(name, text_columns) for name in TABLES}
        out.mkdir(parents=True, exist_ok=True)
        for name in TABLES:
            self._open(name)

    def _open(self, name: str) -> None:
        path = self.out / f"{name}.{self.fmt}"
        if self.fmt == "csv":
            handle = path.open("wb")
            handle.write((",".join(c for c, _ in TABLES[name]) + "\n").encode())
            self.files[name] = handle
        else:
            self.writers[name] = pq.ParquetWriter(
                path, self.schemas[name], compression="zstd", write_statistics=True
            )

    def write(self, name: str, table: pa.Table, text: bool = False) -> None:
        """Append rows; ``text`` marks a table of CSV-style strings (the bad rows)."""
        if table.num_rows == 0:
            return
        self.rows[name] += table.num_rows
        kinds = [k for _, k in TABLES[name]]
        if self.fmt == "csv":
            for batch in table.combine_chunks().to_batches():
                self.files[name].write(csv_payload(batch, kinds))
            return
        schema = self.schemas[name]
        cols = [
            to_parquet_column(table.column(i).combine_chunks(), k, schema.field(i).type, text)
            for i, k in enumerate(kinds)
        ]
        self.writers[name].write_table(pa.table(cols, schema=schema))

    def close(self) -> None:
        for handle in self.files.values():
            handle.close()
        for writer in self.writers.values():
            writer.close()


# --------------------------------------------------------------------------------------------
# Configuration and global context
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Config:
    out: Path
    customers: int = 400
    start: date = date(2023, 1, 1)
    end: date = date(2025, 6, 30)
    seed: int = 42
    fmt: str = "csv"
    inject_bad_rows: bool = False
    chunk_size: int = 10_000
    append_day: bool = False
    late_days: int = 2


@dataclass
class Context:
    """Everything shared by the chunks: dates, prices, signups, agents, id counters."""

    cfg: Config
    start_day: int
    end_day: int
    end_ts: int
    cust_width: int
    signup_ts: np.ndarray
    price_cents: np.ndarray  # [tier, interval, currency]
    agent_team: np.ndarray
    agent_hired: np.ndarray
    outage_days: np.ndarray
    counters: dict[str, int] = field(default_factory=dict)
    chunk_customer_ids: pa.Array = field(default_factory=lambda: pa.array([], pa.string()))

    def next_ids(self, kind: str, count: int) -> np.ndarray:
        first = self.counters.get(kind, 1)
        self.counters[kind] = first + count
        return np.arange(first, first + count, dtype=np.int64)

    def local_customer_ids(self, local: np.ndarray) -> pa.Array:
        """Customer ids of rows that point at customers of the current chunk."""
        return self.chunk_customer_ids.take(pa.array(np.asarray(local, dtype=np.int64)))

    def cust_id(self, gids: np.ndarray) -> pa.Array:
        return a_id("C", self.cust_width, np.where(np.asarray(gids) < 0, -1, np.asarray(gids) + 1))


def build_context(cfg: Config) -> Context:
    start_day, end_day = to_days(cfg.start), to_days(cfg.end)
    team, hired = agent_roster(cfg, start_day, end_day)
    outages = np.sort(
        uniform_int(rng_for(cfg.seed, STREAM_OUTAGES), start_day + 30, end_day - 5, 3)
    )
    return Context(
        cfg=cfg,
        start_day=start_day,
        end_day=end_day,
        end_ts=(end_day + 1) * DAY - 1,
        cust_width=max(6, len(str(cfg.customers))),
        signup_ts=signup_times(cfg, start_day, end_day),
        price_cents=price_matrix(),
        agent_team=team,
        agent_hired=hired,
        outage_days=outages,
    )


def price_matrix() -> np.ndarray:
    prices = np.zeros((3, 3, 3), dtype=np.int64)
    for c, cur in enumerate(CURRENCIES):
        for t in range(3):
            for i in range(3):
                prices[t, i, c] = round(MONTHLY_SEAT_PRICE[cur][t] * INTERVAL_PRICE_FACTOR[i] * 100)
    return prices


def signup_times(cfg: Config, start_day: int, end_day: int) -> np.ndarray:
    """Sorted signup timestamps of all customers; signups grow over the period."""
    rng = rng_for(cfg.seed, STREAM_SIGNUPS)
    growth = 1.5
    u = np.sort(rng.random(cfg.customers))
    x = (np.sqrt(1 + 2 * growth * u * (1 + growth / 2)) - 1) / growth
    days = start_day + np.floor(x * (end_day - start_day + 1)).astype(np.int64)
    ts = np.minimum(days, end_day) * DAY + business_seconds(rng, cfg.customers)
    return np.sort(ts)


def agent_roster(cfg: Config, start_day: int, end_day: int) -> tuple[np.ndarray, np.ndarray]:
    rng = rng_for(cfg.seed, STREAM_AGENTS)
    n = max(8, min(3000, round(cfg.customers / 25)))
    team = np.array([TEAM_OF_SLOT[i % len(TEAM_OF_SLOT)] for i in range(n)], dtype=np.int64)
    veteran = (np.arange(n) < len(TEAM_OF_SLOT)) | (rng.random(n) < 0.65)
    hired = np.where(
        veteran,
        start_day - uniform_int(rng, 30, 1500, n),
        start_day + uniform_int(rng, 0, int((end_day - start_day) * 0.8), n),
    )
    return team, hired


# --------------------------------------------------------------------------------------------
# Global tables
# --------------------------------------------------------------------------------------------


def plans_table(ctx: Context) -> pa.Table:
    codes = np.arange(27)
    tier, ivl, cur = codes // 9, (codes // 3) % 3, codes % 3
    ids = plan_ids()
    names = [
        f"{TIERS[t].title()} ({INTERVAL_LABEL[i]}, {CURRENCIES[c]})"
        for t, i, c in zip(tier, ivl, cur, strict=True)
    ]
    return make_table(
        "plans",
        {
            "plan_id": pa.array(ids),
            "plan_name": pa.array(names),
            "tier": a_cat(tier, TIERS),
            "billing_interval": a_cat(ivl, INTERVALS),
            "list_price": a_dec(ctx.price_cents[tier, ivl, cur]),
            "currency": a_cat(cur, CURRENCIES),
        },
    )


def plan_code(tier: np.ndarray, ivl: np.ndarray, cur: np.ndarray) -> np.ndarray:
    return tier * 9 + ivl * 3 + cur


def plan_ids() -> list[str]:
    """Plan ids in plan-code order (tier * 9 + interval * 3 + currency)."""
    return [f"{t}-{i}-{c}".lower() for t in TIERS for i in INTERVALS for c in CURRENCIES]


def plan_id_array(codes: np.ndarray) -> pa.Array:
    return a_cat(codes, plan_ids())


def agents_table(ctx: Context) -> pa.Table:
    n = len(ctx.agent_team)
    rng = rng_for(ctx.cfg.seed, STREAM_AGENTS, 1)
    first = pick(rng, [1] * len(FIRST_NAMES), n)
    last = pick(rng, [1] * len(LAST_NAMES), n)
    names = [f"{FIRST_NAMES[f]} {LAST_NAMES[s]}" for f, s in zip(first, last, strict=True)]
    # Hire dates are sometimes unknown: always for the last agent, now and then for others.
    unknown = (np.arange(n) >= len(TEAM_OF_SLOT)) & (rng.random(n) < 0.05)
    unknown[-1] = True
    return make_table(
        "agents",
        {
            "agent_id": a_id("A", 4, np.arange(1, n + 1)),
            "agent_name": pa.array(names),
            "team": a_cat(ctx.agent_team, TEAMS),
            "hired_at": a_date(np.where(unknown, NULL, ctx.agent_hired)),
        },
    )


def fx_rates_table(ctx: Context) -> pa.Table:
    """EUR every weekday (ECB style), GBP weekly on Mondays; both start on/before --start."""
    rng = rng_for(ctx.cfg.seed, STREAM_FX)
    days = np.arange(ctx.start_day - 7, ctx.end_day + 1)
    parts: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
    for code, cur in enumerate(("EUR", "GBP"), start=1):
        level = np.log(FX_START[cur])
        shocks = rng.normal(0, 0.0035, len(days))
        path = np.empty(len(days))
        x = level
        for i, shock in enumerate(shocks):
            x += 0.01 * (level - x) + shock
            path[i] = x
        keep = weekday(days) < 5 if cur == "EUR" else weekday(days) == 0
        first = np.flatnonzero(keep & (days <= ctx.start_day))[-1]
        keep[:first] = False
        parts.append((days[keep], np.full(keep.sum(), code), np.exp(path[keep])))
    rate_day = np.concatenate([p[0] for p in parts])
    cur_code = np.concatenate([p[1] for p in parts])
    rate = np.concatenate([p[2] for p in parts])
    order = np.lexsort((cur_code, rate_day))
    return make_table(
        "fx_rates",
        {
            "rate_date": a_date(rate_day[order]),
            "currency": a_cat(cur_code[order], CURRENCIES),
            "usd_per_unit": a_dec(np.round(rate[order] * 1e6).astype(np.int64), 6),
        },
    )


EXPENSE_LINES = (
    # cost_type, category, currency, per new customer, per active customer, fixed per 400
    ("acquisition", "marketing", "USD", 650.0, 0.0, 2000.0),
    ("acquisition", "marketing", "EUR", 230.0, 0.0, 500.0),
    ("acquisition", "salaries", "USD", 400.0, 0.0, 9000.0),
    ("acquisition", "tools", "USD", 0.0, 0.0, 1200.0),
    ("retention", "salaries", "USD", 0.0, 30.0, 6000.0),
    ("retention", "programs", "USD", 60.0, 8.0, 0.0),
    ("retention", "training", "EUR", 0.0, 4.0, 300.0),
    ("retention", "tools", "USD", 0.0, 2.0, 800.0),
)


def expenses_table(ctx: Context) -> pa.Table:
    rng = rng_for(ctx.cfg.seed, STREAM_EXPENSES)
    months = np.unique(month_start(np.arange(ctx.start_day, ctx.end_day + 1)))
    signup_month = month_start(ctx.signup_ts // DAY)
    new = np.array([(signup_month == m).sum() for m in months], dtype=float)
    active = np.cumsum(new) * 0.7
    scale = ctx.cfg.customers / 400
    rows = Rows("month", "type", "category", "currency", "cents")
    for cost_type, category, cur, per_new, per_active, fixed in EXPENSE_LINES:
        base = per_new * new + per_active * active + fixed * scale
        noise = rng.uniform(0.85, 1.15, len(months))
        rows.add(
            month=months,
            type=np.full(len(months), cost_type),
            category=np.full(len(months), category),
            currency=np.full(len(months), cur),
            cents=round_cents(base * noise * 100),
        )
    cols = rows.build()
    order = np.argsort(cols["month"], kind="stable")
    cols = take(cols, order)
    n = len(order)
    return make_table(
        "expenses",
        {
            "expense_id": a_id("E", 6, ctx.next_ids("expense", n)),
            "expense_month": a_date(cols["month"]),
            "cost_type": pa.array(cols["type"].tolist(), pa.string()),
            "category": pa.array(cols["category"].tolist(), pa.string()),
            "amount": a_dec(cols["cents"]),
            "currency": pa.array(cols["currency"].tolist(), pa.string()),
        },
    )


# --------------------------------------------------------------------------------------------
# Customers
# --------------------------------------------------------------------------------------------


def gen_customers(ctx: Context, chunk: int, lo: int, hi: int) -> Cols:
    rng = rng_for(ctx.cfg.seed, CHUNK_STREAMS["customers"], chunk)
    n = hi - lo
    gid = np.arange(lo, hi, dtype=np.int64)
    signup = ctx.signup_ts[lo:hi]
    seg = pick(rng, SEGMENT_P, n)
    country = pick(rng, [c[1] for c in COUNTRIES], n)
    cur_of_country = np.array([CURRENCIES.index(c[2]) for c in COUNTRIES])
    channel = pick_rows(rng, np.array([CHANNEL_ACQ_P[s] for s in range(3)])[seg])
    referral = CHANNELS_ACQ.index("referral")
    channel = np.where((channel == referral) & (gid == 0), 0, channel)
    recent = np.floor(gid * (1 - rng.random(n) ** 2)).astype(np.int64)
    referrer = np.where(channel == referral, np.minimum(recent, gid - 1), NULL)
    happy = rng.normal(0, 1, n) + np.where(channel == referral, 0.25, 0.0)
    onboard, first_value = onboarding_times(ctx, rng, signup, seg, happy)
    return {
        "gid": gid,
        "signup_ts": signup,
        "signup_day": signup // DAY,
        "seg": seg,
        "country": country,
        "cur": cur_of_country[country],
        "industry": pick(rng, [1] * len(INDUSTRIES), n),
        "name": pick(rng, [1] * (len(NAME_HEADS) * len(NAME_BODIES) * len(NAME_TAILS)), n),
        "channel": channel,
        "referrer": referrer,
        "happy": happy,
        "onboard_ts": onboard,
        "value_ts": first_value,
    }


def onboarding_times(
    ctx: Context, rng: np.random.Generator, signup: np.ndarray, seg: np.ndarray, happy: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    n = len(signup)
    onb_days = lognormal_around(rng, np.array([4.0, 10.0, 25.0])[seg], 0.6, n)
    onb_days *= np.exp(-0.2 * happy)
    onboarded = rng.random(n) < sigmoid(2.0 + 0.8 * happy)
    onboard = signup + (onb_days * DAY).astype(np.int64)
    onboard = np.where(onboarded & (onboard <= ctx.end_ts), onboard, NULL)
    val_days = lognormal_around(rng, np.array([7.0, 15.0, 35.0])[seg], 0.7, n)
    val_days *= np.exp(-0.3 * happy)
    reached = rng.random(n) < sigmoid(1.5 + 1.0 * happy)
    value = signup + (val_days * DAY).astype(np.int64)
    value = np.where(reached & (value <= ctx.end_ts), value, NULL)
    return onboard, value


def customer_names() -> list[str]:
    return [f"{h} {b}{t}" for h in NAME_HEADS for b in NAME_BODIES for t in NAME_TAILS]


def customers_table(ctx: Context, c: Cols) -> pa.Table:
    ref = c["referrer"]
    return make_table(
        "customers",
        {
            "customer_id": ctx.cust_id(c["gid"]),
            "customer_name": a_cat(c["name"], customer_names()),
            "segment": a_cat(c["seg"], SEGMENTS),
            "country": a_cat(c["country"], [x[0] for x in COUNTRIES]),
            "industry": a_cat(c["industry"], INDUSTRIES),
            "signed_up_at": a_ts(c["signup_ts"]),
            "acquisition_channel": a_cat(c["channel"], CHANNELS_ACQ),
            "referred_by_customer_id": ctx.cust_id(ref),
            "onboarding_completed_at": a_ts(c["onboard_ts"]),
            "first_value_at": a_ts(c["value_ts"]),
        },
    )


# --------------------------------------------------------------------------------------------
# Subscriptions: a vectorised billing-period simulation
# --------------------------------------------------------------------------------------------

RENEW, UPGRADE, CANCEL, DOWNGRADE, SWITCH = range(5)
VERSION_COLS = ("sub", "cust", "vf", "vt", "tier", "ivl", "seats", "amount", "trial", "reason")


class SubscriptionSim:
    """Simulates every customer of a chunk one billing period at a time.

    Each customer has at most one subscription in force. A trial may precede the first paid
    version; paid versions change on upgrades (mid-period, prorated with a credit note),
    downgrades and switches to annual billing (at renewal), and end on cancellation (at
    renewal, or immediately with a refund). Cancelled customers may come back later with a
    new subscription (a reactivation).
    """

    def __init__(self, ctx: Context, cust: Cols, rng: np.random.Generator) -> None:
        self.ctx, self.c, self.rng = ctx, cust, rng
        n = len(cust["gid"])
        self.n_subs = 0
        self.versions = Rows(*VERSION_COLS)
        self.periods = Rows("sub", "cust", "day", "amount", "renewal", "first")
        self.credits = Rows("sub", "cust", "day", "amount")
        h, seg = cust["happy"], cust["seg"]
        no_value = np.where(cust["value_ts"] < 0, 1.6, 1.0)
        self.h_cancel = CHURN_MONTHLY[seg] * np.exp(-0.8 * h) * no_value
        self.h_up = UPGRADE_MONTHLY[seg] * np.exp(0.35 * h)
        self.h_down = DOWNGRADE_MONTHLY * np.exp(-0.35 * h)
        self.tier, self.ivl, self.seats, self.disc = initial_plan(rng, seg, h)
        self.sub = self.new_subs(n)
        self.alive = np.zeros(n, dtype=bool)
        self.vf = np.zeros(n, dtype=np.int64)
        self.ps = np.zeros(n, dtype=np.int64)
        self.first = np.ones(n, dtype=bool)

    def new_subs(self, count: int) -> np.ndarray:
        ids = np.arange(self.n_subs, self.n_subs + count, dtype=np.int64)
        self.n_subs += count
        return ids

    def amount(self, idx: np.ndarray) -> np.ndarray:
        price = self.ctx.price_cents[self.tier[idx], self.ivl[idx], self.c["cur"][idx]]
        return np.maximum(round_cents(price * self.seats[idx] * (1 - self.disc[idx])), 1)

    def run(self) -> None:
        self.start()
        while self.step():
            pass
        self.finish()

    def start(self) -> None:
        """Trials, and the day each customer's first paid version would start."""
        rng, c, end = self.rng, self.c, self.ctx.end_day
        n = len(c["gid"])
        s = c["signup_day"]
        trial = rng.random(n) < P_TRIAL[c["seg"]]
        trial_end = s + np.where(rng.random(n) < 0.7, 14, 30)
        converts = rng.random(n) < sigmoid(0.3 + 1.1 * c["happy"])
        gap = np.select(
            [rng.random(n) < 0.68, rng.random(n) < 0.8],
            [0, uniform_int(rng, 1, 25, n)],
            uniform_int(rng, 35, 75, n),
        )
        returns = trial & ~converts & (rng.random(n) < 0.15)
        paid_start = np.where(trial, trial_end + gap, s)
        paid_start = np.where(returns, trial_end + uniform_int(rng, 40, 300, n), paid_start)
        t = np.flatnonzero(trial)
        ended = trial_end[t] <= end
        lapsed = ended & ~(converts[t] & (paid_start[t] <= end))
        self.versions.add(
            sub=self.sub[t],
            cust=t,
            vf=s[t],
            vt=np.where(ended, trial_end[t], NULL),
            tier=self.tier[t],
            ivl=self.ivl[t],
            seats=self.seats[t],
            amount=np.zeros(len(t), dtype=np.int64),
            trial=np.ones(len(t), dtype=np.int64),
            reason=np.where(lapsed, REASON_TRIAL, NULL),
        )
        r = np.flatnonzero(returns)
        self.sub[r] = self.new_subs(len(r))
        self.alive = ~trial | converts | returns
        self.vf[:] = paid_start
        self.ps[:] = paid_start

    def step(self) -> bool:
        """One billing period for every subscription with a period starting by --end."""
        a = np.flatnonzero(self.alive & (self.ps <= self.ctx.end_day))
        if a.size == 0:
            return False
        amt = self.amount(a)
        renewal = ~self.first[a] & (self.ivl[a] > 0)
        self.periods.add(
            sub=self.sub[a],
            cust=a,
            day=self.ps[a],
            amount=amt,
            renewal=renewal,
            first=self.first[a],
        )
        self.first[a] = False
        pe = add_months(self.ps[a], INTERVAL_MONTHS[self.ivl[a]])
        event, cut = self.draw_events(a, pe)
        for code, handler in (
            (UPGRADE, self.upgrade),
            (CANCEL, self.cancel),
            (DOWNGRADE, self.downgrade),
            (SWITCH, self.switch),
        ):
            sel = event == code
            handler(a[sel], pe[sel], cut[sel], amt[sel])
        renew = event == RENEW
        self.ps[a[renew]] = pe[renew]
        return True

    def draw_events(self, a: np.ndarray, pe: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        rng, end = self.rng, self.ctx.end_day
        m = INTERVAL_MONTHS[self.ivl[a]]
        can_down = (self.tier[a] > 0) | (self.seats[a] > 1)
        probs = np.stack(
            [
                np.zeros(len(a)),
                1 - (1 - self.h_up[a]) ** m,
                1 - (1 - self.h_cancel[a]) ** m,
                (1 - (1 - self.h_down[a]) ** m) * can_down,
                np.where(self.ivl[a] == 0, SWITCH_TO_ANNUAL, 0.0),
            ],
            axis=1,
        )
        probs[:, RENEW] = np.clip(1 - probs[:, 1:].sum(axis=1), 0, 1)
        event = pick_rows(rng, probs)
        span = pe - self.ps[a]
        cut = self.ps[a] + 1 + np.floor(rng.random(len(a)) * (span - 1)).astype(np.int64)
        event[(event == UPGRADE) & (cut > end)] = RENEW
        event[(event >= CANCEL) & (pe > end)] = RENEW
        return event, cut

    def close(self, idx: np.ndarray, vt: np.ndarray, reason: np.ndarray | int) -> None:
        self.versions.add(
            sub=self.sub[idx],
            cust=idx,
            vf=self.vf[idx],
            vt=vt,
            tier=self.tier[idx],
            ivl=self.ivl[idx],
            seats=self.seats[idx],
            amount=self.amount(idx),
            trial=np.zeros(len(idx), dtype=np.int64),
            reason=np.broadcast_to(reason, idx.shape),
        )

    def prorate(self, idx: np.ndarray, day: np.ndarray, pe: np.ndarray, amt: np.ndarray) -> None:
        """A credit note for the unused part of the current period."""
        span = pe - self.ps[idx]
        credit = -round_cents(amt * (pe - day) / span)
        keep = credit < 0
        self.credits.add(
            sub=self.sub[idx][keep], cust=idx[keep], day=day[keep], amount=credit[keep]
        )

    def upgrade(self, idx: np.ndarray, pe: np.ndarray, cut: np.ndarray, amt: np.ndarray) -> None:
        if idx.size == 0:
            return
        self.close(idx, cut, NULL)
        self.prorate(idx, cut, pe, amt)
        rng = self.rng
        tier_up = (self.tier[idx] < 2) & (rng.random(len(idx)) < 0.4)
        more = np.ceil(self.seats[idx] * rng.uniform(1.15, 1.8, len(idx))).astype(np.int64)
        self.seats[idx] = np.where(tier_up, self.seats[idx], np.maximum(more, self.seats[idx] + 1))
        self.tier[idx] += tier_up
        self.vf[idx] = cut
        self.ps[idx] = cut

    def cancel(self, idx: np.ndarray, pe: np.ndarray, cut: np.ndarray, amt: np.ndarray) -> None:
        if idx.size == 0:
            return
        rng, h = self.rng, self.c["happy"][idx]
        now = rng.random(len(idx)) < 0.12
        day = np.where(now, cut, pe)
        probs = np.where((h < 0)[:, None], REASON_P_UNHAPPY, REASON_P_HAPPY)
        self.close(idx, day, pick_rows(rng, probs))
        self.prorate(idx[now], day[now], pe[now], amt[now])
        self.alive[idx] = False
        back = idx[rng.random(len(idx)) < 0.35 * sigmoid(h)]
        restart = day[np.isin(idx, back)] + uniform_int(rng, 45, 400, len(back))
        self.sub[back] = self.new_subs(len(back))
        self.seats[back] = np.maximum(
            1, np.round(self.seats[back] * rng.uniform(0.6, 1.1, len(back)))
        ).astype(np.int64)
        self.alive[back] = True
        self.first[back] = True
        self.vf[back] = restart
        self.ps[back] = restart

    def downgrade(self, idx: np.ndarray, pe: np.ndarray, cut: np.ndarray, amt: np.ndarray) -> None:
        if idx.size == 0:
            return
        self.close(idx, pe, NULL)
        rng = self.rng
        tier_down = (self.tier[idx] > 0) & ((self.seats[idx] == 1) | (rng.random(len(idx)) < 0.4))
        fewer = np.floor(self.seats[idx] * rng.uniform(0.5, 0.9, len(idx))).astype(np.int64)
        fewer = np.clip(fewer, 1, np.maximum(self.seats[idx] - 1, 1))
        self.seats[idx] = np.where(tier_down, self.seats[idx], fewer)
        self.tier[idx] -= tier_down
        self.vf[idx] = pe
        self.ps[idx] = pe

    def switch(self, idx: np.ndarray, pe: np.ndarray, cut: np.ndarray, amt: np.ndarray) -> None:
        if idx.size == 0:
            return
        self.close(idx, pe, NULL)
        self.ivl[idx] = 2
        self.vf[idx] = pe
        self.ps[idx] = pe

    def finish(self) -> None:
        """Versions still in force at --end get an empty valid_to."""
        idx = np.flatnonzero(self.alive & (self.vf <= self.ctx.end_day))
        self.close(idx, np.full(len(idx), NULL), NULL)


def initial_plan(
    rng: np.random.Generator, seg: np.ndarray, happy: np.ndarray
) -> tuple[np.ndarray, ...]:
    n = len(seg)
    tier_p = np.array([[0.65, 0.33, 0.02], [0.25, 0.60, 0.15], [0.02, 0.38, 0.60]])[seg]
    ivl_p = np.array([[0.70, 0.12, 0.18], [0.45, 0.20, 0.35], [0.10, 0.20, 0.70]])[seg]
    tier = pick_rows(rng, tier_p)
    ivl = pick_rows(rng, ivl_p)
    seats_low = np.array([1, 8, 25])[seg]
    seats_scale = np.array([3.0, 12.0, 60.0])[seg]
    seats = seats_low + np.floor(rng.exponential(1.0, n) * seats_scale).astype(np.int64)
    seats = np.minimum(seats, np.array([25, 120, 1000])[seg])
    disc = np.where(seg == 2, rng.choice([0.10, 0.15, 0.20, 0.25], n), 0.0)
    disc = np.where((seg == 1) & (rng.random(n) < 0.4), 0.10, disc)
    return tier, ivl, seats, disc


@dataclass
class SubscriptionResult:
    versions: Cols  # sorted by customer, valid_from; "sub" is the global subscription number
    periods: Cols
    credits: Cols


def simulate_subscriptions(ctx: Context, c: Cols, chunk: int) -> SubscriptionResult:
    sim = SubscriptionSim(ctx, c, rng_for(ctx.cfg.seed, CHUNK_STREAMS["subscriptions"], chunk))
    sim.run()
    versions = sim.versions.build()
    order = np.lexsort((versions["vf"], versions["cust"]))
    versions = take(versions, order)
    # Global subscription numbers, in order of first appearance, for emitted versions only.
    used, first_pos = np.unique(versions["sub"], return_index=True)
    rank = np.empty(len(used), dtype=np.int64)
    rank[np.argsort(first_pos, kind="stable")] = np.arange(len(used))
    global_ids = ctx.next_ids("subscription", len(used))
    lookup = np.full(max(sim.n_subs, 1), NULL, dtype=np.int64)
    lookup[used] = global_ids[rank]
    versions["sub"] = lookup[versions["sub"]]
    periods = sim.periods.build()
    periods["sub"] = lookup[periods["sub"]]
    credits = sim.credits.build()
    credits["sub"] = lookup[credits["sub"]]
    return SubscriptionResult(versions, periods, credits)


def subscriptions_table(ctx: Context, c: Cols, v: Cols) -> pa.Table:
    cur = c["cur"][v["cust"]]
    return make_table(
        "subscriptions",
        {
            "subscription_id": a_id("S", ID_WIDTH, v["sub"]),
            "customer_id": ctx.local_customer_ids(v["cust"]),
            "plan_id": plan_id_array(plan_code(v["tier"], v["ivl"], cur)),
            "valid_from": a_date(v["vf"]),
            "valid_to": a_date(v["vt"]),
            "is_trial": a_bool(v["trial"]),
            "seats": a_int(v["seats"]),
            "recurring_amount": a_dec(v["amount"]),
            "billing_interval": a_cat(v["ivl"], INTERVALS),
            "currency": a_cat(cur, CURRENCIES),
            "cancel_reason": a_cat(v["reason"], CANCEL_REASONS),
        },
    )


def active_spells(ctx: Context, v: Cols) -> Cols:
    """Every version as an interval [start, stop) clipped to --end, with churn information."""
    stop = np.where(v["vt"] < 0, ctx.end_day + 1, v["vt"])
    cancelled = (v["reason"] >= 0) & (v["trial"] == 0)
    subs, which = np.unique(v["sub"], return_inverse=True)
    churn_day = np.full(len(subs), NULL, dtype=np.int64)
    churn_day[which[cancelled]] = v["vt"][cancelled]
    return {
        "cust": v["cust"],
        "sub": v["sub"],
        "start": v["vf"],
        "stop": stop,
        "seats": v["seats"],
        "trial": v["trial"].astype(bool),
        "churn_day": churn_day[which],
        "ivl": v["ivl"],
    }


def scatter_days(
    rng: np.random.Generator, start: np.ndarray, stop: np.ndarray, rate_per_day: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Poisson events over intervals: (interval index, day) per event."""
    length = np.maximum(stop - start, 0)
    counts = rng.poisson(rate_per_day * length)
    iv = np.repeat(np.arange(len(start)), counts)
    day = start[iv] + np.floor(rng.random(len(iv)) * length[iv]).astype(np.int64)
    return iv, day


# --------------------------------------------------------------------------------------------
# Invoices
# --------------------------------------------------------------------------------------------

INVOICE_STATUSES = ("paid", "open", "void", "uncollectible")
INVOICE_TYPES = ("invoice", "credit_note")


def gen_invoices(
    ctx: Context, c: Cols, subs: SubscriptionResult, tickets: Cols, chunk: int
) -> Cols:
    rng = rng_for(ctx.cfg.seed, CHUNK_STREAMS["invoices"], chunk)
    p = subs.periods
    rows = Rows("cust", "sub", "type", "ts", "cents")
    rows.add(
        cust=p["cust"],
        sub=p["sub"],
        type=0,
        ts=p["day"] * DAY + uniform_int(rng, 0, 5 * HOUR, len(p["cust"])),
        cents=p["amount"],
    )
    fee = p["first"].astype(bool) & (c["seg"][p["cust"]] > 0)
    fee &= rng.random(len(fee)) < np.array([0.0, 0.15, 0.45])[c["seg"][p["cust"]]]
    f = np.flatnonzero(fee)
    rows.add(
        cust=p["cust"][f],
        sub=NULL,
        type=0,
        ts=p["day"][f] * DAY + 6 * HOUR + uniform_int(rng, 0, 8 * HOUR, len(f)),
        cents=uniform_int(rng, 50, 500, len(f)) * 1000,
    )
    cr = subs.credits
    rows.add(
        cust=cr["cust"],
        sub=cr["sub"],
        type=1,
        ts=cr["day"] * DAY + uniform_int(rng, 8 * HOUR, 18 * HOUR, len(cr["cust"])),
        cents=cr["amount"],
    )
    add_service_credits(ctx, rng, rows, tickets)
    inv = rows.build()
    order = np.lexsort((inv["cust"], inv["ts"]))
    inv = take(inv, order)
    inv.update(invoice_payments(ctx, rng, c, inv))
    return inv


def add_service_credits(ctx: Context, rng: np.random.Generator, rows: Rows, t: Cols) -> None:
    """Goodwill credit notes after severe outages and complaints."""
    severe = np.isin(t["category"], [3, 4]) & (t["severity"] >= 3) & (t["resolved_ts"] >= 0)
    pick_ = np.flatnonzero(severe & (rng.random(len(severe)) < 0.35))
    ts = t["resolved_ts"][pick_] + uniform_int(rng, HOUR, 2 * DAY, len(pick_))
    keep = ts <= ctx.end_ts
    pick_, ts = pick_[keep], ts[keep]
    rows.add(
        cust=t["cust"][pick_],
        sub=NULL,
        type=1,
        ts=ts,
        cents=-uniform_int(rng, 5, 50, len(pick_)) * 500,
    )


def invoice_payments(ctx: Context, rng: np.random.Generator, c: Cols, inv: Cols) -> Cols:
    n = len(inv["cust"])
    seg, h = c["seg"][inv["cust"]], c["happy"][inv["cust"]]
    issue_day = inv["ts"] // DAY
    credit = inv["type"] == 1
    terms = np.where(credit, 14, PAYMENT_TERMS[seg])
    due = np.minimum(issue_day + terms, ctx.end_day)
    card = rng.random(n) < P_CARD[seg]
    late = rng.random(n) < sigmoid(-2.6 - 0.9 * h)
    delay = np.where(card, rng.uniform(0, 0.1, n), rng.uniform(0.2, 1.0, n) * terms)
    delay = np.where(late, terms + lognormal_around(rng, 12.0, 0.7, n), delay)
    delay = np.where(credit, rng.uniform(0, 5, n), delay)
    paid_ts = inv["ts"] + (delay * DAY).astype(np.int64) + uniform_int(rng, 60, HOUR, n)
    void = ~credit & (rng.random(n) < 0.008)
    never = ~credit & ~void & (rng.random(n) < 0.012 * np.exp(-0.8 * h))
    written_off = never & (issue_day + 90 <= ctx.end_day)
    paid = ~void & ~never & (paid_ts <= ctx.end_ts)
    status = np.select([paid, void, written_off], [0, 2, 3], 1)
    return {"due": due, "status": status, "paid_ts": np.where(paid, paid_ts, NULL)}


def invoices_table(ctx: Context, c: Cols, inv: Cols) -> pa.Table:
    n = len(inv["cust"])
    return make_table(
        "invoices",
        {
            "invoice_id": a_id("INV", ID_WIDTH, ctx.next_ids("invoice", n)),
            "customer_id": ctx.local_customer_ids(inv["cust"]),
            "subscription_id": a_id("S", ID_WIDTH, inv["sub"]),
            "invoice_type": a_cat(inv["type"], INVOICE_TYPES),
            "issued_at": a_ts(inv["ts"]),
            "due_date": a_date(inv["due"]),
            "amount": a_dec(inv["cents"]),
            "currency": a_cat(c["cur"][inv["cust"]], CURRENCIES),
            "status": a_cat(inv["status"], INVOICE_STATUSES),
            "paid_at": a_ts(inv["paid_ts"]),
        },
    )


# --------------------------------------------------------------------------------------------
# Tickets and interactions
# --------------------------------------------------------------------------------------------


def gen_tickets(ctx: Context, c: Cols, sp: Cols, chunk: int) -> Cols:
    rng = rng_for(ctx.cfg.seed, CHUNK_STREAMS["tickets"], chunk)
    cust = sp["cust"]
    rate = TICKET_RATE_MONTHLY[c["seg"][cust]] / 30 * np.exp(-0.45 * c["happy"][cust])
    rate = rate * np.where(sp["trial"], 1.4, 1.0)
    iv, day = scatter_days(rng, sp["start"], sp["stop"], rate)
    tc = sp["cust"][iv]
    h = c["happy"][tc]
    n = len(iv)
    unhappy = (h < -0.5)[:, None]
    category = pick_rows(rng, np.where(unhappy, CATEGORY_P_UNHAPPY, CATEGORY_P_HAPPY))
    day = snap_to_outages(ctx, rng, category, day, sp["start"][iv], sp["stop"][iv])
    sev_p = SEVERITY_P_BY_CATEGORY[category] + np.where(unhappy, [-0.05, -0.05, 0.05, 0.05], 0)
    severity = 1 + pick_rows(rng, np.clip(sev_p, 0, None))
    channel = pick(rng, TICKET_CHANNEL_P, n)
    created = day * DAY + business_seconds(rng, n, 13.0, 4.0)
    t: Cols = {
        "cust": tc,
        "category": category,
        "severity": severity,
        "channel": channel,
        "created_ts": created,
    }
    t.update(ticket_lifecycle(ctx, rng, t, h))
    t.update(ticket_assignees(ctx, rng, t, c["seg"][tc]))
    order = np.lexsort((t["cust"], t["created_ts"]))
    t = take(t, order)
    t["id"] = ctx.next_ids("ticket", n)
    return t


def snap_to_outages(
    ctx: Context,
    rng: np.random.Generator,
    category: np.ndarray,
    day: np.ndarray,
    start: np.ndarray,
    stop: np.ndarray,
) -> np.ndarray:
    """Move most outage tickets to the nearest global outage day (when the customer is live)."""
    if len(ctx.outage_days) == 0 or len(day) == 0:
        return day
    nearest = ctx.outage_days[np.argmin(np.abs(day[:, None] - ctx.outage_days[None, :]), axis=1)]
    move = (category == TICKET_CATEGORIES.index("outage")) & (rng.random(len(day)) < 0.6)
    move &= (nearest >= start) & (nearest < stop)
    return np.where(move, nearest, day)


def ticket_lifecycle(ctx: Context, rng: np.random.Generator, t: Cols, h: np.ndarray) -> Cols:
    n = len(h)
    created, sev, cat = t["created_ts"], t["severity"], t["category"]
    fr_delay = lognormal_around(rng, FIRST_RESPONSE_MEDIAN_S[t["channel"]], 1.0, n)
    fr_delay = (fr_delay / (1 + 0.4 * (sev - 1))).astype(np.int64) + 10
    reopened = pick_rows(rng, np.where((h < -0.5)[:, None], [0.8, 0.14, 0.06], [0.9, 0.08, 0.02]))
    res_h = lognormal_around(rng, RESOLVE_HOURS_BY_CATEGORY[cat], 1.0, n) * np.exp(-0.2 * h)
    res_h += reopened * lognormal_around(rng, 48.0, 0.8, n)
    resolved = created + fr_delay + (res_h * HOUR).astype(np.int64)
    stale = rng.random(n) < 0.015
    resolved = np.where(stale | (resolved > ctx.end_ts), NULL, resolved)
    first = created + fr_delay
    silent = (resolved >= 0) & (rng.random(n) < 0.01)
    waiting = (resolved < 0) & ((stale & (rng.random(n) < 0.2)) | (created > ctx.end_ts - 2 * DAY))
    first = np.where(silent | waiting | (first > ctx.end_ts), NULL, first)
    closed_ok = (resolved >= 0) & (resolved < ctx.end_ts - 4 * DAY) & (rng.random(n) < 0.85)
    status = np.select(
        [closed_ok, resolved >= 0, first < 0, rng.random(n) < 0.35],
        [4, 3, 0, 2],
        1,
    )
    return {"first_ts": first, "resolved_ts": resolved, "status": status, "reopened": reopened}


def ticket_assignees(ctx: Context, rng: np.random.Generator, t: Cols, seg: np.ndarray) -> Cols:
    n = len(seg)
    cat = t["category"]
    team = np.zeros(n, dtype=np.int64)
    team = np.where(np.isin(cat, [1, 3]) & (rng.random(n) < 0.6), 1, team)
    team = np.where(cat == 0, 2, team)
    team = np.where((seg == 2) & (rng.random(n) < 0.5), 3, team)
    agent = np.zeros(n, dtype=np.int64)
    day = t["created_ts"] // DAY
    for code in range(len(TEAMS)):
        members = np.flatnonzero(ctx.agent_team == code)
        veterans = members[ctx.agent_hired[members] < ctx.start_day]
        sel = np.flatnonzero(team == code)
        chosen = members[rng.integers(0, len(members), len(sel))]
        fallback = veterans[rng.integers(0, len(veterans), len(sel))]
        agent[sel] = np.where(ctx.agent_hired[chosen] <= day[sel], chosen, fallback)
    unassigned = (t["status"] == 0) & (rng.random(n) < 0.8)
    return {"agent": np.where(unassigned, NULL, agent)}


def tickets_table(ctx: Context, c: Cols, t: Cols) -> pa.Table:
    return make_table(
        "tickets",
        {
            "ticket_id": a_id("T", ID_WIDTH, t["id"]),
            "customer_id": ctx.local_customer_ids(t["cust"]),
            "created_at": a_ts(t["created_ts"]),
            "first_response_at": a_ts(t["first_ts"]),
            "resolved_at": a_ts(t["resolved_ts"]),
            "status": a_cat(t["status"], TICKET_STATUSES),
            "severity": a_int(t["severity"]),
            "channel": a_cat(t["channel"], TICKET_CHANNELS),
            "category": a_cat(t["category"], TICKET_CATEGORIES),
            "assignee_agent_id": a_id("A", 4, np.where(t["agent"] < 0, NULL, t["agent"] + 1)),
            "reopened_count": a_int(t["reopened"]),
        },
    )


def gen_interactions(ctx: Context, t: Cols, chunk: int) -> Cols:
    """Agent contacts: the first at first_response_at, the rest until resolution (or --end)."""
    rng = rng_for(ctx.cfg.seed, CHUNK_STREAMS["interactions"], chunk)
    n = len(t["id"])
    extra = rng.poisson(EXTRA_INTERACTIONS_BY_CATEGORY[t["category"]] + 0.2 * (t["severity"] - 1))
    extra += t["reopened"] * (1 + rng.poisson(0.5, n))
    count = np.where(t["first_ts"] < 0, 0, 1 + extra)
    ti = np.repeat(np.arange(n), count)
    m = len(ti)
    first_of = np.r_[0, np.cumsum(count)[:-1]]
    is_first = np.arange(m) == first_of[ti]
    last = np.where(
        t["resolved_ts"] >= 0, t["resolved_ts"], np.minimum(ctx.end_ts, t["first_ts"] + 20 * DAY)
    )
    frac = np.where(is_first, 0.0, rng.random(m))
    order = np.lexsort((frac, ti))
    ti, frac = ti[order], frac[order]
    span = np.maximum(last[ti] - t["first_ts"][ti], 0)
    started = t["first_ts"][ti] + (frac * span).astype(np.int64)
    channel = np.where(rng.random(m) < 0.85, t["channel"][ti], rng.choice([0, 2], m))
    veterans = np.flatnonzero(ctx.agent_hired < ctx.start_day)
    other = veterans[rng.integers(0, len(veterans), m)]
    own = t["agent"][ti]
    agent = np.where((own >= 0) & (rng.random(m) < 0.85), own, other)
    return {
        "ticket": t["id"][ti],
        "agent": agent,
        "channel": channel,
        "started_ts": started,
        **handling_seconds(rng, channel),
        "id": ctx.next_ids("interaction", m),
    }


def handling_seconds(rng: np.random.Generator, channel: np.ndarray) -> Cols:
    m = len(channel)
    talk = lognormal_around(rng, TALK_MEDIAN_S[channel], 0.6, m).astype(np.int64)
    hold_p = np.array([0.0, 0.2, 0.5, 0.0, 0.0])[channel]
    hold = np.where(rng.random(m) < hold_p, lognormal_around(rng, 60.0, 0.8, m), 0)
    after = lognormal_around(rng, 120.0, 0.7, m).astype(np.int64)
    return {"talk": talk, "hold": hold.astype(np.int64), "after": after}


def interactions_table(ctx: Context, x: Cols) -> pa.Table:
    return make_table(
        "ticket_interactions",
        {
            "interaction_id": a_id("TI", ID_WIDTH, x["id"]),
            "ticket_id": a_id("T", ID_WIDTH, x["ticket"]),
            "agent_id": a_id("A", 4, x["agent"] + 1),
            "channel": a_cat(x["channel"], TICKET_CHANNELS),
            "started_at": a_ts(x["started_ts"]),
            "talk_seconds": a_int(x["talk"]),
            "hold_seconds": a_int(x["hold"]),
            "after_work_seconds": a_int(x["after"]),
        },
    )


# --------------------------------------------------------------------------------------------
# Surveys
# --------------------------------------------------------------------------------------------

INVITE_COLS = ("cust", "type", "channel", "touch", "ticket", "ts", "bonus")


def gen_invitations(
    ctx: Context, rng: np.random.Generator, c: Cols, sp: Cols, subs: SubscriptionResult, t: Cols
) -> Cols:
    rows = Rows(*INVITE_COLS)
    support_invitations(ctx, rng, rows, t, c)
    relationship_invitations(rng, rows, sp)
    lifecycle_invitations(ctx, rng, rows, c, subs.periods)
    inv = rows.build()
    inv = take(inv, np.flatnonzero(inv["ts"] <= ctx.end_ts))
    inv = take(inv, np.lexsort((inv["cust"], inv["ts"])))
    inv["id"] = ctx.next_ids("invitation", len(inv["cust"]))
    return inv


def support_invitations(
    ctx: Context, rng: np.random.Generator, rows: Rows, t: Cols, c: Cols
) -> None:
    """CSAT (or CES) after a solved ticket; a good or bad experience shifts the score."""
    solved = np.flatnonzero((t["resolved_ts"] >= 0) & (rng.random(len(t["id"])) < 0.7))
    k = len(solved)
    chat = t["channel"][solved] == TICKET_CHANNELS.index("chat")
    channel = np.where(chat, 3, np.where(rng.random(k) < 0.85, 0, 1))
    hours = (t["resolved_ts"][solved] - t["created_ts"][solved]) / HOUR
    bonus = (
        0.3 * (hours < 8)
        - 0.6 * t["reopened"][solved]
        - 0.3 * (t["severity"][solved] >= 3)
        - 0.3 * (hours > 72)
    )
    rows.add(
        cust=t["cust"][solved],
        type=np.where(rng.random(k) < 0.8, 1, 2),
        channel=channel,
        touch=1,
        ticket=t["id"][solved],
        ts=t["resolved_ts"][solved] + uniform_int(rng, HOUR // 2, DAY, k),
        bonus=bonus,
    )


def relationship_invitations(rng: np.random.Generator, rows: Rows, sp: Cols) -> None:
    """Quarterly relationship NPS while a paid version is in force."""
    paid = ~sp["trial"]
    iv, day = scatter_days(rng, sp["start"], sp["stop"], np.where(paid, 1 / 90, 0.0))
    k = len(iv)
    rows.add(
        cust=sp["cust"][iv],
        type=0,
        channel=pick(rng, (0.65, 0.15, 0.20, 0), k),
        touch=4,
        ticket=NULL,
        ts=day * DAY + business_seconds(rng, k, 10.0, 2.0),
        bonus=0.0,
    )


def lifecycle_invitations(
    ctx: Context, rng: np.random.Generator, rows: Rows, c: Cols, periods: Cols
) -> None:
    """Onboarding (CES/CSAT), purchase (CSAT) and renewal (NPS) surveys."""
    onb = np.flatnonzero((c["onboard_ts"] >= 0) & (rng.random(len(c["gid"])) < 0.7))
    k = len(onb)
    rows.add(
        cust=onb,
        type=np.where(rng.random(k) < 0.5, 2, 1),
        channel=np.where(rng.random(k) < 0.5, 2, 0),
        touch=0,
        ticket=NULL,
        ts=c["onboard_ts"][onb] + uniform_int(rng, HOUR, DAY, k),
        bonus=np.zeros(k),
    )
    buy = np.flatnonzero(periods["first"].astype(bool) & (rng.random(len(periods["cust"])) < 0.5))
    k = len(buy)
    rows.add(
        cust=periods["cust"][buy],
        type=1,
        channel=0,
        touch=2,
        ticket=NULL,
        ts=(periods["day"][buy] + 1) * DAY + business_seconds(rng, k),
        bonus=0.0,
    )
    ren = np.flatnonzero(periods["renewal"].astype(bool) & (rng.random(len(periods["cust"])) < 0.6))
    k = len(ren)
    rows.add(
        cust=periods["cust"][ren],
        type=0,
        channel=0,
        touch=3,
        ticket=NULL,
        ts=(periods["day"][ren] + 2) * DAY + business_seconds(rng, k),
        bonus=0.0,
    )


def survey_scores(
    rng: np.random.Generator, stype: np.ndarray, happy: np.ndarray, bonus: np.ndarray
) -> np.ndarray:
    n = len(stype)
    nps = np.clip(np.round(7.9 + 1.7 * happy + 1.5 * bonus + rng.normal(0, 1.3, n)), 0, 10)
    csat = np.clip(np.round(4.0 + 0.55 * happy + bonus + rng.normal(0, 0.7, n)), 1, 5)
    ces = np.clip(np.round(3.8 + 0.45 * happy + bonus + rng.normal(0, 0.8, n)), 1, 5)
    return np.select([stype == 0, stype == 1], [nps, csat], ces).astype(np.int64)


def gen_responses(ctx: Context, rng: np.random.Generator, c: Cols, sp: Cols, inv: Cols) -> Cols:
    h = c["happy"][inv["cust"]]
    rate = np.clip(RESPONSE_RATE[inv["channel"]] * (1 + 0.2 * h), 0.02, 0.95)
    answered = np.flatnonzero(rng.random(len(h)) < rate)
    delay = np.minimum(lognormal_around(rng, 3 * HOUR, 1.5, len(answered)), 7 * DAY)
    ts = inv["ts"][answered] + delay.astype(np.int64) + 60
    answered, ts = answered[ts <= ctx.end_ts], ts[ts <= ctx.end_ts]
    rows = Rows("invitation", "cust", "type", "ts", "touch", "ticket", "bonus")
    rows.add(
        invitation=inv["id"][answered],
        cust=inv["cust"][answered],
        type=inv["type"][answered],
        ts=ts,
        touch=inv["touch"][answered],
        ticket=inv["ticket"][answered],
        bonus=inv["bonus"][answered],
    )
    iv, day = scatter_days(rng, sp["start"], sp["stop"], np.full(len(sp["cust"]), 0.6 / 365))
    k = len(iv)
    rows.add(
        invitation=NULL,
        cust=sp["cust"][iv],
        type=pick(rng, (0.6, 0.4), k),
        ts=day * DAY + business_seconds(rng, k),
        touch=4,
        ticket=NULL,
        bonus=0.0,
    )
    r = rows.build()
    r = take(r, np.lexsort((r["cust"], r["ts"])))
    r["score"] = survey_scores(rng, r["type"], c["happy"][r["cust"]], r["bonus"])
    r["comment"] = survey_comments(rng, r["type"], r["score"])
    r["id"] = ctx.next_ids("response", len(r["cust"]))
    return r


def survey_comments(rng: np.random.Generator, stype: np.ndarray, score: np.ndarray) -> np.ndarray:
    n = len(score)
    good = np.where(stype == 0, score >= 9, score >= 4)
    bad = np.where(stype == 0, score <= 6, score <= 2)
    npos, nneu, nneg = len(COMMENTS_POSITIVE), len(COMMENTS_NEUTRAL), len(COMMENTS_NEGATIVE)
    code = np.select(
        [good, bad],
        [rng.integers(0, npos, n), npos + nneu + rng.integers(0, nneg, n)],
        npos + rng.integers(0, nneu, n),
    )
    return np.where(rng.random(n) < 0.3, code, NULL)


def invitations_table(ctx: Context, c: Cols, inv: Cols) -> pa.Table:
    return make_table(
        "survey_invitations",
        {
            "invitation_id": a_id("SI", ID_WIDTH, inv["id"]),
            "customer_id": ctx.local_customer_ids(inv["cust"]),
            "survey_type": a_cat(inv["type"], SURVEY_TYPES),
            "channel": a_cat(inv["channel"], SURVEY_CHANNELS),
            "touchpoint": a_cat(inv["touch"], TOUCHPOINTS),
            "ticket_id": a_id("T", ID_WIDTH, inv["ticket"]),
            "sent_at": a_ts(inv["ts"]),
        },
    )


def responses_table(ctx: Context, c: Cols, r: Cols) -> pa.Table:
    return make_table(
        "survey_responses",
        {
            "response_id": a_id("SR", ID_WIDTH, r["id"]),
            "invitation_id": a_id("SI", ID_WIDTH, r["invitation"]),
            "customer_id": ctx.local_customer_ids(r["cust"]),
            "survey_type": a_cat(r["type"], SURVEY_TYPES),
            "score": a_int(r["score"]),
            "responded_at": a_ts(r["ts"]),
            "touchpoint": a_cat(r["touch"], TOUCHPOINTS),
            "ticket_id": a_id("T", ID_WIDTH, r["ticket"]),
            "comment": a_cat(r["comment"], COMMENTS),
        },
    )


# --------------------------------------------------------------------------------------------
# Product usage and engagement
# --------------------------------------------------------------------------------------------


USAGE_BATCH_ROWS = 1_000_000


def gen_usage(ctx: Context, c: Cols, sp: Cols, chunk: int) -> Iterator[Cols]:
    """Daily activity of live customers, in batches of about USAGE_BATCH_ROWS candidate days.

    Days without any activity have no row, so weekends (and small accounts) have fewer rows.
    """
    rng = rng_for(ctx.cfg.seed, CHUNK_STREAMS["usage"], chunk)
    length = sp["stop"] - sp["start"]
    ends = np.cumsum(length)
    cuts = np.searchsorted(
        ends,
        np.arange(USAGE_BATCH_ROWS, ends[-1] if len(ends) else 0, USAGE_BATCH_ROWS),
        side="left",
    )
    bounds = [0, *np.unique(cuts + 1).tolist(), len(length)]
    seg = c["seg"]
    adoption = sigmoid(0.4 + 0.9 * c["happy"]) * np.where(c["value_ts"] < 0, 0.6, 1.0)
    weekend_factor = np.array([0.12, 0.18, 0.25])[seg]
    session_rate = 0.6 + 0.8 * sigmoid(c["happy"])
    key_rate = 2.5 * np.exp(0.5 * c["happy"])
    for lo, hi in zip(bounds[:-1], bounds[1:], strict=True):
        if hi <= lo:
            continue
        part = {k: v[lo:hi] for k, v in sp.items()}
        iv, day = expand_days(part["start"], length[lo:hi])
        cust = part["cust"][iv]
        weekend = np.where(weekday(day) >= 5, weekend_factor[cust], 1.0)
        ramp = np.clip(0.35 + 0.65 * (day - c["signup_day"][cust]) / 45, 0.35, 1.0)
        churn_day = part["churn_day"][iv]
        decline = np.where(churn_day >= 0, np.clip((churn_day - day) / 75, 0.3, 1.0), 1.0)
        noise = rng.uniform(0.8, 1.1, len(iv))
        p = np.clip(adoption[cust] * weekend * ramp * decline * noise, 0, 0.98)
        users = draw_users(rng, part["seats"][iv], p)
        keep = users > 0
        users, cust, day = users[keep], cust[keep], day[keep]
        sessions = users + rng.poisson(users * session_rate[cust])
        key_events = rng.poisson(users * key_rate[cust])
        yield {"cust": cust, "day": day, "users": users, "sessions": sessions, "key": key_events}


def expand_days(start: np.ndarray, length: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """One row per day of each interval: (interval index, day)."""
    iv = np.repeat(np.arange(len(length)), length)
    offset = np.arange(len(iv)) - np.repeat(np.cumsum(length) - length, length)
    return iv, start[iv] + offset


def draw_users(rng: np.random.Generator, seats: np.ndarray, p: np.ndarray) -> np.ndarray:
    """Active users ~ Binomial(seats, p) (normal approximation above 30 seats), and now and
    then a few more than seats (shared logins)."""
    small = seats <= 30
    users = np.zeros(len(seats), dtype=np.int64)
    users[small] = rng.binomial(seats[small], p[small])
    big = ~small
    mean = seats[big] * p[big]
    sd = np.sqrt(mean * (1 - p[big]))
    users[big] = np.clip(np.rint(mean + sd * rng.standard_normal(big.sum())), 0, seats[big])
    extra = rng.random(len(seats)) < 0.01
    users[extra] += rng.integers(1, 4, extra.sum())
    return users


def usage_table(ctx: Context, u: Cols) -> pa.Table:
    return make_table(
        "product_usage",
        {
            "customer_id": ctx.local_customer_ids(u["cust"]),
            "usage_date": a_date(u["day"]),
            "active_users": a_int(u["users"]),
            "sessions": a_int(u["sessions"]),
            "key_feature_events": a_int(u["key"]),
        },
    )


def gen_engagement(ctx: Context, c: Cols, sp: Cols, chunk: int) -> Cols:
    rng = rng_for(ctx.cfg.seed, CHUNK_STREAMS["engagement"], chunk)
    h = c["happy"][sp["cust"]]
    seg_mult = np.array([1.0, 1.5, 2.5])[c["seg"][sp["cust"]]]
    rows = Rows("cust", "type", "ts")
    iv, day = scatter_days(rng, sp["start"], sp["stop"], np.full(len(h), 1 / 14))
    sent_ts = day * DAY + business_seconds(rng, len(iv), 10.0, 1.0)
    rows.add(cust=sp["cust"][iv], type=0, ts=sent_ts)
    opened = rng.random(len(iv)) < sigmoid(-0.7 + 0.8 * h[iv])
    open_ts = sent_ts + lognormal_around(rng, 5 * HOUR, 1.0, len(iv)).astype(np.int64)
    rows.add(cust=sp["cust"][iv][opened], type=1, ts=open_ts[opened])
    for code, per_day in (
        (2, seg_mult * np.exp(0.4 * h) / 150),
        (3, np.exp(0.4 * h) / 200),
        (5, (1 + 0.6 * np.abs(h)) / 500),
    ):
        iv, day = scatter_days(rng, sp["start"], sp["stop"], per_day)
        rows.add(cust=sp["cust"][iv], type=code, ts=day * DAY + business_seconds(rng, len(iv)))
    add_referrals(ctx, rng, rows, c)
    ev = rows.build()
    ev = take(ev, np.flatnonzero(ev["ts"] <= ctx.end_ts))
    ev = take(ev, np.lexsort((ev["cust"], ev["ts"])))
    ev["id"] = ctx.next_ids("event", len(ev["cust"]))
    return ev


def add_referrals(ctx: Context, rng: np.random.Generator, rows: Rows, c: Cols) -> None:
    """referral_made for the referrer, shortly before the referred customer signed up.

    The referrer may belong to an earlier chunk, so ``cust`` holds ``-(gid + 2)`` for it
    (decoded in ``engagement_table``).
    """
    referred = np.flatnonzero(c["referrer"] >= 0)
    ref = c["referrer"][referred]
    ts = c["signup_ts"][referred] - uniform_int(rng, HOUR, 20 * DAY, len(referred))
    ts = np.clip(ts, ctx.signup_ts[ref], c["signup_ts"][referred])
    rows.add(cust=-(ref + 2), type=4, ts=ts)


def engagement_table(ctx: Context, c: Cols, ev: Cols) -> pa.Table:
    local = ev["cust"] >= 0
    gid = np.where(local, c["gid"][np.where(local, ev["cust"], 0)], -ev["cust"] - 2)
    return make_table(
        "engagement_events",
        {
            "event_id": a_id("EV", ID_WIDTH, ev["id"]),
            "customer_id": ctx.cust_id(gid),
            "event_type": a_cat(ev["type"], EVENT_TYPES),
            "occurred_at": a_ts(ev["ts"]),
        },
    )


# --------------------------------------------------------------------------------------------
# A chunk of customers and all their rows
# --------------------------------------------------------------------------------------------


def generate_chunk(ctx: Context, chunk: int, lo: int, hi: int) -> Iterator[tuple[str, pa.Table]]:
    """All rows of customers [lo, hi), table by table (product_usage in several batches)."""
    c = gen_customers(ctx, chunk, lo, hi)
    ctx.chunk_customer_ids = ctx.cust_id(c["gid"])
    subs = simulate_subscriptions(ctx, c, chunk)
    sp = active_spells(ctx, subs.versions)
    tickets = gen_tickets(ctx, c, sp, chunk)
    interactions = gen_interactions(ctx, tickets, chunk)
    invoices = gen_invoices(ctx, c, subs, tickets, chunk)
    survey_rng = rng_for(ctx.cfg.seed, CHUNK_STREAMS["surveys"], chunk)
    invitations = gen_invitations(ctx, survey_rng, c, sp, subs, tickets)
    responses = gen_responses(ctx, survey_rng, c, sp, invitations)
    yield "customers", customers_table(ctx, c)
    yield "subscriptions", subscriptions_table(ctx, c, subs.versions)
    yield "invoices", invoices_table(ctx, c, invoices)
    yield "tickets", tickets_table(ctx, c, tickets)
    yield "ticket_interactions", interactions_table(ctx, interactions)
    yield "survey_invitations", invitations_table(ctx, c, invitations)
    yield "survey_responses", responses_table(ctx, c, responses)
    yield "engagement_events", engagement_table(ctx, c, gen_engagement(ctx, c, sp, chunk))
    for usage in gen_usage(ctx, c, sp, chunk):
        yield "product_usage", usage_table(ctx, usage)


# --------------------------------------------------------------------------------------------
# Bad rows
# --------------------------------------------------------------------------------------------

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


# --------------------------------------------------------------------------------------------
# Driver and CLI
# --------------------------------------------------------------------------------------------


def generate(cfg: Config) -> dict[str, int]:
    """Write all tables; returns the number of rows written per table."""
    if cfg.end < cfg.start:
        raise ValueError("--end is before --start")
    ctx = build_context(cfg)
    text_columns = TEXT_IN_PARQUET_WITH_BAD_ROWS if cfg.inject_bad_rows else set()
    sink = Sink(cfg.out, cfg.fmt, text_columns)
    try:
        sink.write("plans", plans_table(ctx))
        sink.write("agents", agents_table(ctx))
        sink.write("fx_rates", fx_rates_table(ctx))
        expenses = expenses_table(ctx)
        sink.write("expenses", expenses)
        n_chunks = math.ceil(cfg.customers / cfg.chunk_size)
        for chunk in range(n_chunks):
            lo, hi = chunk * cfg.chunk_size, min(cfg.customers, (chunk + 1) * cfg.chunk_size)
            samples: dict[str, pa.Table] = {"expenses": expenses}
            for name, table in generate_chunk(ctx, chunk, lo, hi):
                sink.write(name, table)
                samples.setdefault(name, table)
            if chunk == 0 and cfg.inject_bad_rows:
                for name, rows in bad_rows(ctx, samples).items():
                    sink.write(name, text_table(name, rows), text=True)
    finally:
        sink.close()
    return sink.rows


def parse_args(argv: Sequence[str] | None = None) -> Config:
    parser = argparse.ArgumentParser(
        prog="python -m tools.generate_data",
        description="Write deterministic raw sample data for the customer_success warehouse.",
    )
    parser.add_argument("--out", type=Path, required=True, help="output directory")
    parser.add_argument("--customers", type=int, default=400, help="number of customers")
    parser.add_argument("--start", type=date.fromisoformat, default=date(2023, 1, 1))
    parser.add_argument("--end", type=date.fromisoformat, default=date(2025, 6, 30))
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--format", dest="fmt", choices=("csv", "parquet"), default="csv")
    parser.add_argument(
        "--inject-bad-rows",
        action="store_true",
        help="append the documented contract-breaking rows",
    )
    parser.add_argument(
        "--chunk-size", type=int, default=10_000, help="customers per chunk (output depends on it)"
    )
    parser.add_argument(
        "--append-day",
        action="store_true",
        help="add one more day of data to the existing raw files in --out (tools/append_day.py)",
    )
    parser.add_argument(
        "--late-days", type=int, default=2, help="with --append-day: how far back late rows are"
    )
    args = parser.parse_args(argv)
    if args.late_days < 1:
        parser.error("--late-days must be >= 1")
    if args.customers < 0 or args.chunk_size < 1 or args.seed < 0:
        parser.error("--customers and --seed must be >= 0, --chunk-size >= 1")
    if args.start.year < 1975 or args.end < args.start:
        parser.error("need 1975 <= --start <= --end")
    return Config(**vars(args))


def main(argv: Sequence[str] | None = None) -> int:
    cfg = parse_args(argv)
    began = time.perf_counter()
    if cfg.append_day:
        from tools.append_day import AppendConfig, append_day

        added = append_day(
            AppendConfig(cfg.out, cfg.seed, cfg.late_days, inject_bad_rows=cfg.inject_bad_rows)
        )
        day = date.fromordinal(added.pop("_day"))
        for name, count in added.items():
            print(f"{name:22s} {count:>12,d}", file=sys.stderr)
        elapsed = time.perf_counter() - began
        print(f"appended {day} to {cfg.out} in {elapsed:.1f}s", file=sys.stderr)
        return 0
    rows = generate(cfg)
    elapsed = time.perf_counter() - began
    for name, count in rows.items():
        print(f"{name:22s} {count:>12,d}", file=sys.stderr)
    print(f"wrote {sum(rows.values()):,d} rows to {cfg.out} in {elapsed:.1f}s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
