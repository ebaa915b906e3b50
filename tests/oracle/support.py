"""Support: mart_support_kpis, mart_ticket_categories, mart_agent_performance."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from typing import Any

import pandas as pd

from tests.oracle.base import Base, OracleVars, dense
from tests.oracle.exact import frame, hours_between, mean, median, month_of, safe_div


def _handle_seconds(row: dict[str, Any]) -> int:
    return row["talk_seconds"] + row["hold_seconds"] + row["after_work_seconds"]


def mart_support_kpis(
    tables: dict[str, pd.DataFrame], as_of_date: date, oracle_vars: OracleVars
) -> pd.DataFrame:
    """Readings: a first response / resolution after as_of_date has not happened yet (R1);
    interactions are counted in their started_at month, in the segment of their ticket's
    customer; FCR counts the ticket's interactions started on or before as_of_date."""
    base = Base(tables, as_of_date, oracle_vars)
    interaction_counts = base.ticket_interaction_counts()
    backlog_delta = timedelta(hours=oracle_vars.backlog_target_hours)
    created: dict[tuple[date, str], list[dict[str, Any]]] = defaultdict(list)
    resolved: dict[tuple[date, str], list[dict[str, Any]]] = defaultdict(list)
    for ticket in base.tickets:
        for segment in base.segments_of(ticket["customer_id"]):
            created[(month_of(ticket["created_at"]), segment)].append(ticket)
            if ticket["resolved_at"] is not None:
                resolved[(month_of(ticket["resolved_at"]), segment)].append(ticket)
    handled: dict[tuple[date, str], list[int]] = defaultdict(list)
    for row in base.interactions:
        ticket = base.ticket_by_id.get(row["ticket_id"])
        if ticket is None:  # its ticket is dated after as_of_date (R1)
            continue
        for segment in base.segments_of(ticket["customer_id"]):
            handled[(month_of(row["started_at"]), segment)].append(_handle_seconds(row))
    rows = []
    for month, segment in dense(base):
        made = created.get((month, segment), [])
        done = resolved.get((month, segment), [])
        seconds = handled.get((month, segment), [])
        first_response = [
            hours_between(ticket["created_at"], ticket["first_response_at"])
            for ticket in made
            if ticket["first_response_at"] is not None
        ]
        end_at = base.month_end_at(month)
        open_at_end = [
            ticket
            for ticket in base.tickets
            if segment in base.segments_of(ticket["customer_id"])
            and ticket["created_at"] < end_at
            and (ticket["resolved_at"] is None or ticket["resolved_at"] >= end_at)
        ]
        fcr_tickets = sum(base.is_fcr(ticket, interaction_counts) for ticket in done)
        customers_end = base.logos(month, segment, "customers_end")
        rows.append(
            {
                "month": month,
                "segment": segment,
                "tickets_created": len(made),
                "customers_end": customers_end,
                "tickets_per_customer": safe_div(len(made), customers_end),
                "first_response_hours_avg": mean(first_response),
                "first_response_hours_median": median(first_response),
                "tickets_resolved": len(done),
                "resolution_hours_avg": mean(
                    hours_between(ticket["created_at"], ticket["resolved_at"]) for ticket in done
                ),
                "fcr_tickets": fcr_tickets,
                "fcr_rate": safe_div(fcr_tickets, len(done)),
                "interactions": len(seconds),
                "handle_seconds": sum(seconds),
                "aht_seconds": safe_div(sum(seconds), len(seconds)),
                "avg_ticket_severity": mean(ticket["severity"] for ticket in made),
                "open_tickets_end": len(open_at_end),
                "backlog_end": sum(
                    ticket["created_at"] < end_at - backlog_delta for ticket in open_at_end
                ),
            }
        )
    return frame(rows, list(rows[0]) if rows else ["month", "segment"])


def mart_ticket_categories(
    tables: dict[str, pd.DataFrame], as_of_date: date, oracle_vars: OracleVars
) -> pd.DataFrame:
    """share_of_tickets = the category's tickets created in m / all tickets created in m
    (null when none); resolution_hours_avg over the category's tickets resolved in m;
    grid: spine × every category seen (R8)."""
    base = Base(tables, as_of_date, oracle_vars)
    categories = sorted({ticket["category"] for ticket in base.tickets})
    created: dict[tuple[date, str], list[dict[str, Any]]] = defaultdict(list)
    resolved: dict[tuple[date, str], list[dict[str, Any]]] = defaultdict(list)
    month_total: dict[date, int] = defaultdict(int)
    for ticket in base.tickets:
        created[(month_of(ticket["created_at"]), ticket["category"])].append(ticket)
        month_total[month_of(ticket["created_at"])] += 1
        if ticket["resolved_at"] is not None:
            resolved[(month_of(ticket["resolved_at"]), ticket["category"])].append(ticket)
    rows = []
    for month in base.spine:
        for category in categories:
            made = created.get((month, category), [])
            done = resolved.get((month, category), [])
            rows.append(
                {
                    "month": month,
                    "category": category,
                    "tickets_created": len(made),
                    "share_of_tickets": safe_div(len(made), month_total.get(month, 0)),
                    "avg_severity": mean(ticket["severity"] for ticket in made),
                    "tickets_resolved": len(done),
                    "resolution_hours_avg": mean(
                        hours_between(ticket["created_at"], ticket["resolved_at"])
                        for ticket in done
                    ),
                }
            )
    columns = [
        "month",
        "category",
        "tickets_created",
        "share_of_tickets",
        "avg_severity",
        "tickets_resolved",
        "resolution_hours_avg",
    ]
    return frame(rows, columns)


def mart_agent_performance(
    tables: dict[str, pd.DataFrame], as_of_date: date, oracle_vars: OracleVars
) -> pd.DataFrame:
    """Readings: tickets_resolved / fcr_rate / first_response_hours_avg by the ticket's
    assignee_agent_id (resolved in m, created in m); interactions / aht by the interaction's
    agent_id and started_at month; csat_avg over csat responses responded in m whose ticket_id
    (on the response) is assigned to the agent. Grid: spine × every agent (R8)."""
    base = Base(tables, as_of_date, oracle_vars)
    interaction_counts = base.ticket_interaction_counts()
    resolved: dict[tuple[date, str], list[dict[str, Any]]] = defaultdict(list)
    created: dict[tuple[date, str], list[dict[str, Any]]] = defaultdict(list)
    for ticket in base.tickets:
        agent_id = ticket["assignee_agent_id"]
        if agent_id is None:
            continue
        created[(month_of(ticket["created_at"]), agent_id)].append(ticket)
        if ticket["resolved_at"] is not None:
            resolved[(month_of(ticket["resolved_at"]), agent_id)].append(ticket)
    handled: dict[tuple[date, str], list[int]] = defaultdict(list)
    for row in base.interactions:
        handled[(month_of(row["started_at"]), row["agent_id"])].append(_handle_seconds(row))
    csat: dict[tuple[date, str], list[int]] = defaultdict(list)
    for row in base.responses:
        ticket = base.ticket_by_id.get(row["ticket_id"]) if row["ticket_id"] else None
        if row["survey_type"] == "csat" and ticket and ticket["assignee_agent_id"]:
            csat[(month_of(row["responded_at"]), ticket["assignee_agent_id"])].append(row["score"])
    rows = []
    for month in base.spine:
        for agent in sorted(base.agents, key=lambda row: row["agent_id"]):
            key = (month, agent["agent_id"])
            done = resolved.get(key, [])
            seconds = handled.get(key, [])
            fcr_tickets = sum(base.is_fcr(ticket, interaction_counts) for ticket in done)
            scores = csat.get(key, [])
            rows.append(
                {
                    "month": month,
                    "agent_id": agent["agent_id"],
                    "agent_name": agent["agent_name"],
                    "team": agent["team"],
                    "tickets_resolved": len(done),
                    "fcr_tickets": fcr_tickets,
                    "fcr_rate": safe_div(fcr_tickets, len(done)),
                    "interactions": len(seconds),
                    "handle_seconds": sum(seconds),
                    "aht_seconds": safe_div(sum(seconds), len(seconds)),
                    "first_response_hours_avg": mean(
                        hours_between(ticket["created_at"], ticket["first_response_at"])
                        for ticket in created.get(key, [])
                        if ticket["first_response_at"] is not None
                    ),
                    "csat_responses": len(scores),
                    "csat_avg": mean(scores),
                }
            )
    columns = [
        "month",
        "agent_id",
        "agent_name",
        "team",
        "tickets_resolved",
        "fcr_tickets",
        "fcr_rate",
        "interactions",
        "handle_seconds",
        "aht_seconds",
        "first_response_hours_avg",
        "csat_responses",
        "csat_avg",
    ]
    return frame(rows, columns)
