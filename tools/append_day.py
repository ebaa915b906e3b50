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
input files and the arguments. Files are rewritten through DuckDB (read, union, replace).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import duckdb

from tools.generate_data import TABLES

EVENT_DATES = (
    ("customers", "signed_up_at"),
    ("subscriptions", "valid_from"),
    ("invoices", "issued_at"),
    ("tickets", "created_at"),
    ("ticket_interactions", "started_at"),
    ("survey_invitations", "sent_at"),
    ("survey_responses", "responded_at"),
    ("product_usage", "usage_date"),
    ("engagement_events", "occurred_at"),
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
    """The CSV text of a typed value, as tools/generate_data.py writes it."""
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
        latest = self.latest_event_date()
        day = latest + timedelta(days=1)
        late = day - timedelta(days=self.cfg.late_days)
        seed = self.cfg.seed
        salt = f"{seed}:{latest}"
        con = self.con

        def rnd(key: str, tag: str) -> str:
            """A pseudo-random number in [0, 1) from the key."""
            return f"(hash('{salt}:{tag}:' || {key}) % 1000003) / 1000003.0"

        def new_id(prefix: str, name: str, column: str, ordinal: str) -> str:
            first = self.next_id(name, column, prefix)
            width = self.id_width(name, column, prefix)
            return f"'{prefix}' || lpad(cast({first} - 1 + {ordinal} as varchar), {width}, '0')"

        at = f"timestamp '{day} 00:00:00'"
        late_at = f"timestamp '{late} 00:00:00'"
        con.execute(
            "create temp table clean_customers as select * from t_customers "
            "where customer_id is not null and signed_up_at < " + at + " and customer_id in ("
            "select customer_id from t_customers group by customer_id having count(*) = 1)"
        )
        con.execute(
            "create temp table agent_ids as select agent_id, row_number() over (order by agent_id) "
            "as agent_no from t_agents where agent_id is not null and agent_id in (select agent_id "
            "from t_agents group by agent_id having count(*) = 1)"
        )
        agents = int(self.scalar("select count(*) from agent_ids") or 0)
        if agents == 0:
            raise ValueError("no usable agent in agents")

        def agent_for(key: str, tag: str) -> str:
            return (
                "(select agent_id from agent_ids where agent_no = 1 + "
                f"cast(floor({rnd(key, tag)} * {agents}) as bigint))"
            )

        # ---- customers and their trial subscriptions
        n_customers = self.daily_rate("customers", "signed_up_at", latest)
        con.execute(f"""
            create temp table new_customers as
            with picked as (
                select *,
                    row_number() over (order by {rnd("customer_id", "cust")}, customer_id) as n
                from clean_customers
            )
            select
                {new_id("C", "customers", "customer_id", "n")} as customer_id,
                customer_name, segment, country, industry,
                {at} + to_seconds(cast(floor({rnd("customer_id", "signup")} * 80000) as bigint))
                    as signed_up_at,
                acquisition_channel,
                cast(null as varchar) as referred_by_customer_id,
                cast(null as timestamp) as onboarding_completed_at,
                cast(null as timestamp) as first_value_at
            from picked where n <= {n_customers}
        """)
        con.execute(f"""
            create temp table running as
            select * from t_subscriptions
            where valid_to is null and not is_trial and valid_from < date '{day}'
                and recurring_amount > 0 and seats > 0
                and subscription_id in (
                    select subscription_id from t_subscriptions
                    group by subscription_id having count(*) = count(distinct valid_from))
        """)
        first_sub = self.next_id("subscriptions", "subscription_id", "S")
        sub_width = self.id_width("subscriptions", "subscription_id", "S")
        con.execute(f"""
            create temp table new_trials as
            select
                'S' || lpad(cast({first_sub} - 1 + row_number() over (order by customer_id)
                    as varchar), {sub_width}, '0') as subscription_id,
                customer_id,
                'starter-month-usd' as plan_id,
                date '{day}' as valid_from,
                cast(null as date) as valid_to,
                true as is_trial,
                cast(3 as bigint) as seats,
                cast(0 as decimal(18, 2)) as recurring_amount,
                'month' as billing_interval,
                'USD' as currency,
                cast(null as varchar) as cancel_reason
            from new_customers
        """)
        con.execute(f"""
            create temp table sub_changes as
            select *, row_number() over (
                order by {rnd("subscription_id", "change")}, subscription_id) as draw
            from running
        """)
        n_running = int(self.scalar("select count(*) from running") or 0)
        n_upgrades = max(1, round(n_running * 0.004))
        n_changed = n_upgrades + max(1, round(n_running * 0.002))
        con.execute(f"""
            create temp table upgraded as
            select * replace (
                date '{day}' as valid_from,
                seats + 1 as seats,
                cast(round(recurring_amount * (seats + 1) / seats, 2) as decimal(18, 2))
                    as recurring_amount
            ) from sub_changes where draw <= {n_upgrades}
        """)
        con.execute(f"""
            create temp table sub_updates as
            select subscription_id, valid_from, cast(null as varchar) as cancel_reason
            from sub_changes where draw <= {n_upgrades}
            union all
            select subscription_id, valid_from, 'too_expensive' from sub_changes
            where draw > {n_upgrades} and draw <= {n_changed}
        """)
        new_subscriptions = (
            "select * exclude (draw) from upgraded union all by name select * from new_trials"
        )

        # ---- invoices: anniversaries of running paid versions, and open invoices paid today
        con.execute(f"""
            create temp table new_invoices as
            with due as (
                select * from sub_changes
                where draw > {n_changed}
                    and (day(valid_from) = {day.day} or draw = {n_changed + 1})
            ),
            numbered as (select *, row_number() over (order by subscription_id) as n from due)
            select
                {new_id("INV", "invoices", "invoice_id", "n")} as invoice_id,
                customer_id,
                subscription_id,
                'invoice' as invoice_type,
                {at} + interval 3 hour as issued_at,
                date '{day + timedelta(days=14)}' as due_date,
                recurring_amount as amount,
                currency,
                case when {rnd("subscription_id", "paid")} < 0.7 then 'paid' else 'open' end
                    as status,
                case when {rnd("subscription_id", "paid")} < 0.7
                    then {at} + interval 5 hour end as paid_at
            from numbered
        """)
        con.execute(f"""
            create temp table invoice_updates as
            select invoice_id, 'paid' as status, {at} + interval 7 hour as paid_at
            from t_invoices
            where status = 'open' and invoice_type = 'invoice' and issued_at < {at}
                and {rnd("invoice_id", "pay")} < 0.15
                and invoice_id in (
                    select invoice_id from t_invoices group by invoice_id having count(*) = 1)
        """)

        # ---- tickets (new, late, resolved today) and interactions
        n_tickets = self.daily_rate("tickets", "created_at", latest)
        n_late = max(1, n_tickets // 20)
        first_ticket = self.next_id("tickets", "ticket_id", "T")
        ticket_width = self.id_width("tickets", "ticket_id", "T")
        con.execute(f"""
            create temp table new_tickets as
            with picked as (
                select t.*,
                    row_number() over (order by {rnd("t.ticket_id", "tpick")}, t.ticket_id) as n
                from t_tickets as t
                where t.ticket_id is not null and t.severity between 1 and 4
                    and t.status in ('new', 'open', 'pending', 'solved', 'closed')
                    and t.channel in ('email', 'chat', 'phone', 'social', 'web')
                    and t.reopened_count >= 0
                    and t.customer_id in (select customer_id from clean_customers)
            ),
            chosen as (select * from picked where n <= {n_tickets + n_late}),
            timed as (
                select *,
                    case when n <= {n_tickets} then {at} else {late_at} end
                    + to_seconds(cast(floor({rnd("ticket_id", "tcreated")} * 60000) as bigint))
                        as new_created_at,
                    {rnd("ticket_id", "tresolved")} as resolve_draw
                from chosen
            )
            select
                'T' || lpad(cast({first_ticket} - 1 + n as varchar), {ticket_width}, '0')
                    as ticket_id,
                customer_id,
                new_created_at as created_at,
                new_created_at + interval 10 minute as first_response_at,
                case when resolve_draw < 0.5 then new_created_at + interval 3 hour end
                    as resolved_at,
                case when resolve_draw < 0.5 then 'solved' else 'open' end as status,
                severity, channel, category,
                {agent_for("ticket_id", "tagent")} as assignee_agent_id,
                cast(0 as bigint) as reopened_count
            from timed
        """)
        con.execute(f"""
            create temp table ticket_updates as
            select ticket_id,
                coalesce(first_response_at, {at} + interval 1 hour) as first_response_at,
                {at} + interval 2 hour as resolved_at,
                'solved' as status,
                coalesce(assignee_agent_id, {agent_for("ticket_id", "uagent")}) as agent_id
            from t_tickets
            where resolved_at is null and created_at < {at} and created_at >= {at} - interval 60 day
                and status in ('new', 'open', 'pending')
                and {rnd("ticket_id", "resolve")} < 0.3
                and ticket_id in (
                    select ticket_id from t_tickets group by ticket_id having count(*) = 1)
        """)
        first_interaction = self.next_id("ticket_interactions", "interaction_id", "TI")
        interaction_width = self.id_width("ticket_interactions", "interaction_id", "TI")
        con.execute(f"""
            create temp table new_interactions as
            with contacts as (
                select ticket_id, assignee_agent_id as agent_id, channel,
                    first_response_at as started_at
                from new_tickets
                union all
                select ticket_updates.ticket_id, ticket_updates.agent_id, t_tickets.channel,
                    {at} + interval 1 hour
                from ticket_updates
                inner join t_tickets on ticket_updates.ticket_id = t_tickets.ticket_id
            ),
            numbered as (select *, row_number() over (order by ticket_id) as n from contacts)
            select
                'TI' || lpad(cast({first_interaction} - 1 + n as varchar), {interaction_width},
                    '0') as interaction_id,
                ticket_id, agent_id, channel, started_at,
                cast(60 + floor({rnd("ticket_id", "talk")} * 900) as bigint) as talk_seconds,
                cast(floor({rnd("ticket_id", "hold")} * 120) as bigint) as hold_seconds,
                cast(30 + floor({rnd("ticket_id", "acw")} * 300) as bigint) as after_work_seconds
            from numbered
        """)

        # ---- surveys
        n_invitations = self.daily_rate("survey_invitations", "sent_at", latest)
        first_invitation = self.next_id("survey_invitations", "invitation_id", "SI")
        invitation_width = self.id_width("survey_invitations", "invitation_id", "SI")
        con.execute(f"""
            create temp table new_invitations as
            with picked as (
                select customer_id,
                    row_number() over (order by {rnd("customer_id", "inv")}, customer_id) as n
                from clean_customers
            )
            select
                'SI' || lpad(cast({first_invitation} - 1 + n as varchar), {invitation_width}, '0')
                    as invitation_id,
                customer_id,
                (['nps', 'csat', 'ces'])[1 + n % 3] as survey_type,
                'email' as channel,
                'relationship' as touchpoint,
                cast(null as varchar) as ticket_id,
                {at} + interval 9 hour as sent_at
            from picked where n <= {n_invitations}
        """)
        first_response = self.next_id("survey_responses", "response_id", "SR")
        response_width = self.id_width("survey_responses", "response_id", "SR")
        con.execute(f"""
            create temp table new_responses as
            with answers as (
                select invitation_id, customer_id, survey_type, touchpoint,
                    sent_at + interval 2 hour as responded_at
                from new_invitations where {rnd("invitation_id", "answer")} < 0.35
                union all
                select null, customer_id, 'csat', 'support', {late_at} + interval 15 hour
                from new_tickets where created_at < {at}
            ),
            numbered as (
                select *, row_number() over (order by customer_id, responded_at) as n from answers
            )
            select
                'SR' || lpad(cast({first_response} - 1 + n as varchar), {response_width}, '0')
                    as response_id,
                invitation_id, customer_id, survey_type,
                cast(case when survey_type = 'nps'
                    then floor({rnd("customer_id", "nps")} * 11)
                    else 1 + floor({rnd("customer_id", "score")} * 5) end as bigint) as score,
                responded_at, touchpoint,
                cast(null as varchar) as ticket_id,
                cast(null as varchar) as comment
            from numbered
        """)

        # ---- product usage (today and one late day) and engagement events
        con.execute(f"""
            create temp table new_usage as
            select
                customer_id,
                date '{day}' as usage_date,
                cast(floor(active_users * (0.8 + 0.4 * {rnd("customer_id", "au")})) as bigint)
                    as active_users,
                cast(floor(sessions * (0.8 + 0.4 * {rnd("customer_id", "se")})) as bigint)
                    as sessions,
                cast(floor(key_feature_events * (0.8 + 0.4 * {rnd("customer_id", "kf")}))
                    as bigint) as key_feature_events
            from t_product_usage
            where usage_date = date '{latest}' and active_users >= 0 and sessions >= 0
                and key_feature_events >= 0
                and customer_id in (select customer_id from clean_customers)
            union all
            select customer_id, date '{late}', active_users, sessions, key_feature_events
            from t_product_usage
            where usage_date = date '{late - timedelta(days=1)}' and active_users >= 0
                and sessions >= 0 and key_feature_events >= 0
                and customer_id in (select customer_id from clean_customers)
                and {rnd("customer_id", "lateusage")} < 0.2
                and customer_id not in (
                    select customer_id from t_product_usage where usage_date = date '{late}'
                        and customer_id is not null)
        """)
        n_events = self.daily_rate("engagement_events", "occurred_at", latest)
        first_event = self.next_id("engagement_events", "event_id", "EV")
        event_width = self.id_width("engagement_events", "event_id", "EV")
        con.execute(f"""
            create temp table new_events as
            with picked as (
                select e.customer_id, e.event_type,
                    row_number() over (order by {rnd("e.event_id", "ev")}, e.event_id) as n
                from t_engagement_events as e
                where e.event_id is not null and e.occurred_at is not null
                    and e.customer_id in (select customer_id from clean_customers)
                    and e.event_type in ('email_sent', 'email_opened', 'training_completed',
                        'webinar_attended', 'referral_made', 'social_mention')
            )
            select
                'EV' || lpad(cast({first_event} - 1 + n as varchar), {event_width}, '0')
                    as event_id,
                customer_id, event_type,
                case when n <= {n_events} then {at} else {late_at} end
                    + to_seconds(cast(floor(
                        {rnd("customer_id || cast(n as varchar)", "evt")} * 80000) as bigint))
                    as occurred_at
            from picked where n <= {n_events + max(1, n_events // 20)}
        """)

        # ---- bad rows: late twins of a ticket, a usage row, an event and a customer kept
        # yesterday, an exact duplicate usage row
        twin_tickets = "select * from new_tickets where false"
        duplicate_usage = "select * from new_usage where false"
        twin_usage = "select * from new_usage where false"
        twin_events = "select * from new_events where false"
        twin_customers = "select * from new_customers where false"
        if self.cfg.inject_bad_rows:
            old = latest - timedelta(days=40)
            twin_usage = f"""
                select * replace (coalesce(active_users, 0) + 1 as active_users)
                from t_product_usage
                where usage_date = date '{old}'
                    and customer_id in (
                        select customer_id from t_product_usage where usage_date = date '{old}'
                        group by customer_id having count(*) = 1)
                order by customer_id desc limit 1
            """
            twin_events = f"""
                select * replace (
                    case when event_type = 'email_sent' then 'email_opened' else 'email_sent' end
                        as event_type,
                    {at} + interval 1 hour as occurred_at)
                from t_engagement_events
                where cast(occurred_at as date) = date '{old}'
                    and event_id in (
                        select event_id from t_engagement_events group by event_id
                        having count(*) = 1)
                order by event_id limit 1
            """
            twin_customers = f"""
                select * replace (coalesce(customer_name, '') || ' (again)' as customer_name)
                from clean_customers
                where customer_id in (
                    select customer_id from t_product_usage where usage_date = date '{old}')
                -- the one with the fewest invoices: its rows must not push a table over the
                -- quarantine share
                order by (
                    select count(*) from t_invoices
                    where t_invoices.customer_id = clean_customers.customer_id
                ), customer_id
                limit 1
            """
            twin_tickets = f"""
                select * replace ('twin_' || coalesce(category, '') as category)
                from t_tickets
                where cast(created_at as date) <= date '{latest - timedelta(days=10)}'
                    and ticket_id in (
                        select ticket_id from t_tickets group by ticket_id having count(*) = 1)
                    and ticket_id not in (select ticket_id from ticket_updates)
                order by created_at desc, ticket_id limit 1
            """
            duplicate_usage = f"""
                select * from t_product_usage where usage_date = date '{latest}'
                order by customer_id limit 1
            """

        additions = {
            "customers": f"select * from new_customers union all ({twin_customers})",
            "subscriptions": new_subscriptions,
            "invoices": "select * from new_invoices",
            "tickets": f"select * from new_tickets union all ({twin_tickets})",
            "ticket_interactions": "select * from new_interactions",
            "survey_invitations": "select * from new_invitations",
            "survey_responses": "select * from new_responses",
            "product_usage": (
                f"select * from new_usage union all ({duplicate_usage}) union all ({twin_usage})"
            ),
            "engagement_events": f"select * from new_events union all ({twin_events})",
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
        new_columns = ", ".join(
            f"{self.stored(name, column, kind, column)} as {column}" for column, kind in spec
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
