"""``--append-day``: add one more day of data to an existing raw directory.

The new day N is the day after the latest event date D found in the files. Written into the same
files (same format, same Parquet column types), deterministically from ``--seed`` and D:

* new rows dated N: customers (sign-ups with a trial subscription), tickets (some resolved the
  same day) with their interactions, survey invitations and responses, product usage (every
  customer active on D is active on N), engagement events, invoices for the paid subscriptions
  whose billing anniversary is N;
* changes to existing rows, as a full export shows them: subscription changes (the running
  version is closed on N and a new version with one more seat opens) and cancellations, open
  invoices paid on N, open tickets resolved on N (with the interaction that resolved them);
* late rows dated ``late_days`` back (tickets with their interactions, responses, usage and
  engagement events that arrive a day late);
* with ``inject_bad_rows``: a second, different row with the key of a ticket created 10 days
  before D (both twins must be quarantined, including the one a build kept yesterday), the same
  for a usage row of 40 days before D and for an engagement event of 40 days before D (its twin
  dated N, so the twins lie in different months), a second row of a customer with usage 40 days
  before D (the customer is quarantined, so its usage, events and tickets of every month now
  miss their customer), and an exact duplicate of a usage row of D (collapses into one row).

Pseudo-random choices are hashes of (seed, D, salt, key), so the result depends only on the
input files and the arguments. Files are rewritten through DuckDB (read, union, replace); a column
of the contract the new rows do not set (an optional column added to the contract) is empty.
The rows themselves are built in day_rows.py.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import duckdb

from tools.generate_data import day_rows
from tools.generate_data.contract import CONTRACT, TABLES
from tools.generate_data.day_rows import NewDay

# the date or timestamp each raw table's rows are dated by (raw contract: event_column)
EVENT_DATES = tuple(
    (name, table.event_column) for name, table in CONTRACT.items() if table.event_column
)
SQL_TYPES = {
    "str": "varchar",
    "int": "bigint",
    "dec2": "decimal(18, 2)",
    "dec6": "decimal(18, 6)",
    "bool": "boolean",
    "date": "date",
    "ts": "timestamp",
}


@dataclass(frozen=True)
class AppendConfig:
    out: Path
    seed: int = 42
    late_days: int = 2
    inject_bad_rows: bool = False


def raw_format(raw_dir: Path) -> str:
    for fmt in ("parquet", "csv"):
        if (raw_dir / f"customers.{fmt}").exists():
            return fmt
    raise FileNotFoundError(f"no customers.csv or customers.parquet in {raw_dir}")


def typed_expression(column: str, kind: str, fmt: str) -> str:
    """The typed value of a raw column (text in CSV; any Parquet type)."""
    text = f"trim(cast({column} as varchar))"
    if kind == "ts":
        return f"try_cast(replace(replace({text}, 'T', ' '), 'Z', '') as timestamp)"
    if kind == "bool":
        return f"try_cast({text} as boolean)"
    if fmt == "parquet" and kind != "str":
        return f"try_cast({column} as {SQL_TYPES[kind]})"
    return f"try_cast({text} as {SQL_TYPES[kind]})" if kind != "str" else f"nullif({text}, '')"


def text_expression(column: str, kind: str) -> str:
    """The CSV text of a typed value, as the generator writes it (writers.py)."""
    if kind == "ts":
        return f"strftime({column}, '%Y-%m-%dT%H:%M:%SZ')"
    if kind == "date":
        return f"strftime({column}, '%Y-%m-%d')"
    if kind == "bool":
        return f"case when {column} then 'true' when not {column} then 'false' end"
    return f"cast({column} as varchar)"


class DayAppender:
    def __init__(self, cfg: AppendConfig) -> None:
        self.cfg = cfg
        self.dir = cfg.out
        self.fmt = raw_format(cfg.out)
        self.con = duckdb.connect()
        self.con.execute("set preserve_insertion_order = true")
        self.con.execute("set TimeZone = 'UTC'")
        self.stored_types: dict[str, dict[str, str]] = {}
        for name, spec in TABLES.items():
            path = self.path(name)
            if not path.exists():
                continue
            reader = self.reader(path)
            self.con.execute(f"create view old_{name} as select * from {reader}")
            described = self.con.execute(f"describe old_{name}").fetchall()
            self.stored_types[name] = {row[0]: row[1] for row in described}
            typed = ", ".join(
                f"{typed_expression(col, kind, self.fmt)} as {col}" for col, kind in spec
            )
            self.con.execute(f"create view t_{name} as select {typed} from old_{name}")

    def path(self, name: str) -> Path:
        return self.dir / f"{name}.{self.fmt}"

    def reader(self, path: Path) -> str:
        if self.fmt == "parquet":
            return f"read_parquet('{path}')"
        return (
            f"read_csv('{path}', header = true, all_varchar = true, delim = ',', "
            "quote = '\"', escape = '\"', strict_mode = false)"
        )

    def scalar(self, sql: str) -> object:
        row = self.con.execute(sql).fetchone()
        return None if row is None else row[0]

    def latest_event_date(self) -> date:
        parts = [
            f"select cast(max({col}) as date) as d from t_{name}"
            for name, col in EVENT_DATES
            if name in self.stored_types
        ]
        latest = self.scalar("select max(d) from (" + " union all ".join(parts) + ")")
        if not isinstance(latest, date):
            raise ValueError(f"no event dates found in {self.dir}")
        return latest

    def next_id(self, name: str, column: str, prefix: str) -> int:
        found = self.scalar(
            f"select max(try_cast(substr({column}, {len(prefix) + 1}) as bigint)) "
            f"from t_{name} where {column} like '{prefix}%'"
        )
        return int(found or 0) + 1

    def id_width(self, name: str, column: str, prefix: str) -> int:
        found = self.scalar(
            f"select max(length({column})) from t_{name} where {column} like '{prefix}%'"
        )
        return int(found or len(prefix) + 8) - len(prefix)

    def daily_rate(self, name: str, column: str, latest: date) -> int:
        """Rows per day over the last 30 days (at least 1)."""
        since = latest - timedelta(days=29)
        count = self.scalar(
            f"select count(*) from t_{name} where cast({column} as date) "
            f"between date '{since}' and date '{latest}'"
        )
        return max(1, round(int(count or 0) / 30))

    def run(self) -> dict[str, int]:
        new = NewDay.after(self, self.latest_event_date())
        new_subscriptions, n_changed = day_rows.customers_and_subscriptions(new)
        day_rows.invoices(new, n_changed)
        day_rows.tickets_and_interactions(new)
        day_rows.surveys(new)
        day_rows.product(new)
        bad = day_rows.bad_rows(new)
        day = new.day
        additions = {
            "customers": f"select * from new_customers union all ({bad['twin_customers']})",
            "subscriptions": new_subscriptions,
            "invoices": "select * from new_invoices",
            "tickets": f"select * from new_tickets union all ({bad['twin_tickets']})",
            "ticket_interactions": "select * from new_interactions",
            "survey_invitations": "select * from new_invitations",
            "survey_responses": "select * from new_responses",
            "product_usage": (
                f"select * from new_usage union all ({bad['duplicate_usage']})"
                f" union all ({bad['twin_usage']})"
            ),
            "engagement_events": f"select * from new_events union all ({bad['twin_events']})",
        }
        updates = {
            "subscriptions": (
                "sub_updates",
                ("subscription_id", "valid_from"),
                {"valid_to": ("date", f"date '{day}'"), "cancel_reason": ("str", None)},
            ),
            "invoices": (
                "invoice_updates",
                ("invoice_id",),
                {"status": ("str", None), "paid_at": ("ts", None)},
            ),
            "tickets": (
                "ticket_updates",
                ("ticket_id",),
                {
                    "first_response_at": ("ts", None),
                    "resolved_at": ("ts", None),
                    "status": ("str", None),
                },
            ),
        }
        written: dict[str, int] = {}
        for name, added in additions.items():
            written[name] = self.rewrite(name, added, updates.get(name))
        written["_day"] = day.toordinal()
        return written

    def stored(self, name: str, column: str, kind: str, value: str) -> str:
        """A typed SQL value in the form the file stores the column."""
        if self.fmt == "csv":
            return text_expression(value, kind)
        return f"cast({value} as {self.stored_types[name][column]})"

    def rewrite(
        self,
        name: str,
        added: str,
        update: tuple[str, tuple[str, ...], dict[str, tuple[str, str | None]]] | None,
    ) -> int:
        """Rewrite a raw file: old rows (with updates applied) followed by the added rows."""
        spec = TABLES[name]
        kinds = dict(spec)
        count = int(self.scalar(f"select count(*) from ({added})") or 0)
        old = f"select * from old_{name}"
        if update is not None:
            table, keys, columns = update
            typed_keys = " and ".join(
                f"{typed_expression('o.' + key, kinds[key], self.fmt)} = u.{key}" for key in keys
            )
            replaced = []
            for column, (kind, constant) in columns.items():
                value = constant if constant is not None else f"u.{column}"
                new_value = self.stored(name, column, kind, value)
                replaced.append(
                    f"case when u.{keys[0]} is not null then {new_value} else o.{column} end "
                    f"as {column}"
                )
            old = (
                f"select o.* replace ({', '.join(replaced)}) from old_{name} as o "
                f"left join {table} as u on {typed_keys}"
            )
        provided = {row[0] for row in self.con.execute(f"describe {added}").fetchall()}
        new_columns = ", ".join(
            f"{self.stored(name, column, kind, column if column in provided else 'null')} "
            f"as {column}"
            for column, kind in spec
        )
        extra = [c for c in self.stored_types[name] if c not in kinds]
        extras = "".join(f", null as {c}" for c in extra)
        rows = f"{old} union all by name select {new_columns}{extras} from ({added})"
        path = self.path(name)
        tmp = path.with_suffix(path.suffix + ".tmp")
        if self.fmt == "parquet":
            options = "format parquet, compression zstd"
        else:
            options = "format csv, header true, delimiter ',', quote '\"', escape '\"'"
        order = ", ".join(self.stored_types[name])
        self.con.execute(f"copy (select {order} from ({rows})) to '{tmp}' ({options})")
        os.replace(tmp, path)
        return count


def append_day(cfg: AppendConfig) -> dict[str, int]:
    """Append one day to the raw files in ``cfg.out``; rows added per table (``_day``: ordinal)."""
    return DayAppender(cfg).run()
