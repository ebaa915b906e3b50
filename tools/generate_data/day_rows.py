"""The rows ``--append-day`` adds for day N, as DuckDB temp tables (see append_day.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

import duckdb

from tools.generate_data.contract import accepted_sql

if TYPE_CHECKING:
    from tools.generate_data.append_day import DayAppender


@dataclass
class NewDay:
    """Day N (``day``) after the latest event date D (``latest``) of the files, and the
    pseudo-random choices and new ids of its rows."""

    app: DayAppender
    con: duckdb.DuckDBPyConnection
    latest: date
    day: date
    late: date
    salt: str
    at: str
    late_at: str
    agents: int = 0

    @classmethod
    def after(cls, app: DayAppender, latest: date) -> NewDay:
        day = latest + timedelta(days=1)
        late = day - timedelta(days=app.cfg.late_days)
        new = cls(
            app=app,
            con=app.con,
            latest=latest,
            day=day,
            late=late,
            salt=f"{app.cfg.seed}:{latest}",
            at=f"timestamp '{day} 00:00:00'",
            late_at=f"timestamp '{late} 00:00:00'",
        )
        new.prepare()
        return new

    def prepare(self) -> None:
        """The customers and agents new rows may point at: those with a unique key."""
        con, at = self.con, self.at
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
        agents = int(self.app.scalar("select count(*) from agent_ids") or 0)
        if agents == 0:
            raise ValueError("no usable agent in agents")
        self.agents = agents

    def rnd(self, key: str, tag: str) -> str:
        """A pseudo-random number in [0, 1) from the key."""
        return f"(hash('{self.salt}:{tag}:' || {key}) % 1000003) / 1000003.0"

    def new_id(self, prefix: str, name: str, column: str, ordinal: str) -> str:
        first = self.app.next_id(name, column, prefix)
        width = self.app.id_width(name, column, prefix)
        return f"'{prefix}' || lpad(cast({first} - 1 + {ordinal} as varchar), {width}, '0')"

    def agent_for(self, key: str, tag: str) -> str:
        return (
            "(select agent_id from agent_ids where agent_no = 1 + "
            f"cast(floor({self.rnd(key, tag)} * {self.agents}) as bigint))"
        )


def customers_and_subscriptions(new: NewDay) -> tuple[str, int]:
    """New customers with their trials, and changes of running subscriptions: the query of the
    new subscription versions, and how many running subscriptions change (not invoiced)."""
    app, con, day = new.app, new.con, new.day
    latest, at, rnd, new_id = new.latest, new.at, new.rnd, new.new_id
    n_customers = app.daily_rate("customers", "signed_up_at", latest)
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
    first_sub = app.next_id("subscriptions", "subscription_id", "S")
    sub_width = app.id_width("subscriptions", "subscription_id", "S")
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
    n_running = int(app.scalar("select count(*) from running") or 0)
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
    return new_subscriptions, n_changed


def invoices(new: NewDay, n_changed: int) -> None:
    """Invoices of running paid versions whose anniversary is N, and open invoices paid on N."""
    con, day, at, rnd, new_id = new.con, new.day, new.at, new.rnd, new.new_id
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


def tickets_and_interactions(new: NewDay) -> None:
    """New and late tickets, open tickets resolved on N, and the agent contacts on them."""
    app, con = new.app, new.con
    latest, at, late_at, rnd = new.latest, new.at, new.late_at, new.rnd
    agent_for = new.agent_for
    n_tickets = app.daily_rate("tickets", "created_at", latest)
    n_late = max(1, n_tickets // 20)
    first_ticket = app.next_id("tickets", "ticket_id", "T")
    ticket_width = app.id_width("tickets", "ticket_id", "T")
    con.execute(f"""
        create temp table new_tickets as
        with picked as (
            select t.*,
                row_number() over (order by {rnd("t.ticket_id", "tpick")}, t.ticket_id) as n
            from t_tickets as t
            where t.ticket_id is not null and t.severity between 1 and 4
                and t.status in {accepted_sql("tickets", "status")}
                and t.channel in {accepted_sql("tickets", "channel")}
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
    first_interaction = app.next_id("ticket_interactions", "interaction_id", "TI")
    interaction_width = app.id_width("ticket_interactions", "interaction_id", "TI")
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


def surveys(new: NewDay) -> None:
    """Relationship surveys sent on N, their answers, and late answers to late tickets."""
    app, con, latest, at, late_at, rnd = new.app, new.con, new.latest, new.at, new.late_at, new.rnd
    n_invitations = app.daily_rate("survey_invitations", "sent_at", latest)
    first_invitation = app.next_id("survey_invitations", "invitation_id", "SI")
    invitation_width = app.id_width("survey_invitations", "invitation_id", "SI")
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
    first_response = app.next_id("survey_responses", "response_id", "SR")
    response_width = app.id_width("survey_responses", "response_id", "SR")
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


def product(new: NewDay) -> None:
    """Usage of N (and one late day) and engagement events."""
    app, con, day, latest = new.app, new.con, new.day, new.latest
    late, at, late_at, rnd = new.late, new.at, new.late_at, new.rnd
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
    n_events = app.daily_rate("engagement_events", "occurred_at", latest)
    first_event = app.next_id("engagement_events", "event_id", "EV")
    event_width = app.id_width("engagement_events", "event_id", "EV")
    con.execute(f"""
        create temp table new_events as
        with picked as (
            select e.customer_id, e.event_type,
                row_number() over (order by {rnd("e.event_id", "ev")}, e.event_id) as n
            from t_engagement_events as e
            where e.event_id is not null and e.occurred_at is not null
                and e.customer_id in (select customer_id from clean_customers)
                and e.event_type in {accepted_sql("engagement_events", "event_type")}
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


def bad_rows(new: NewDay) -> dict[str, str]:
    """With ``inject_bad_rows``: late twins of a ticket, a usage row, an event and a customer kept
    yesterday, an exact duplicate usage row (queries by name; empty ones without)."""
    app, latest, at = new.app, new.latest, new.at
    twin_tickets = "select * from new_tickets where false"
    duplicate_usage = "select * from new_usage where false"
    twin_usage = "select * from new_usage where false"
    twin_events = "select * from new_events where false"
    twin_customers = "select * from new_customers where false"
    if app.cfg.inject_bad_rows:
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
    return {
        "twin_tickets": twin_tickets,
        "duplicate_usage": duplicate_usage,
        "twin_usage": twin_usage,
        "twin_events": twin_events,
        "twin_customers": twin_customers,
    }
