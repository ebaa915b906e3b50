"""Customer experience: mart_nps, mart_customer_experience, mart_survey_response_rate."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

import pandas as pd

from tests.oracle.base import Base, OracleVars, dense
from tests.oracle.exact import frame, mean, month_of, safe_div

SURVEY_TYPES = ("nps", "csat", "ces")
INVITATION_CHANNELS = ("email", "sms", "in_app", "chat")


def _responses_by_segment(base: Base, survey_type: str) -> dict[tuple[date, str], list[int]]:
    scores: dict[tuple[date, str], list[int]] = defaultdict(list)
    for row in base.responses:
        if row["survey_type"] != survey_type:
            continue
        for segment in base.segments_of(row["customer_id"]):
            scores[(month_of(row["responded_at"]), segment)].append(row["score"])
    return scores


def mart_nps(
    tables: dict[str, pd.DataFrame], as_of_date: date, oracle_vars: OracleVars
) -> pd.DataFrame:
    """pct_promoters / pct_detractors are fractions (R7); nps is in points."""
    base = Base(tables, as_of_date, oracle_vars)
    scores = _responses_by_segment(base, "nps")
    rows = []
    for month, segment in dense(base):
        values = scores.get((month, segment), [])
        promoters = sum(score >= 9 for score in values)
        passives = sum(7 <= score <= 8 for score in values)
        detractors = sum(score <= 6 for score in values)
        responses = len(values)
        nps = safe_div(100 * (promoters - detractors), responses)
        rows.append(
            {
                "month": month,
                "segment": segment,
                "responses": responses,
                "promoters": promoters,
                "passives": passives,
                "detractors": detractors,
                "pct_promoters": safe_div(promoters, responses),
                "pct_detractors": safe_div(detractors, responses),
                "nps": nps,
            }
        )
    columns = [
        "month",
        "segment",
        "responses",
        "promoters",
        "passives",
        "detractors",
        "pct_promoters",
        "pct_detractors",
        "nps",
    ]
    return frame(rows, columns)


def mart_customer_experience(
    tables: dict[str, pd.DataFrame], as_of_date: date, oracle_vars: OracleVars
) -> pd.DataFrame:
    base = Base(tables, as_of_date, oracle_vars)
    csat = _responses_by_segment(base, "csat")
    ces = _responses_by_segment(base, "ces")
    rows = []
    for month, segment in dense(base):
        csat_scores = csat.get((month, segment), [])
        ces_scores = ces.get((month, segment), [])
        satisfied = sum(score >= 4 for score in csat_scores)
        dissatisfied = sum(score <= 2 for score in csat_scores)
        rows.append(
            {
                "month": month,
                "segment": segment,
                "csat_responses": len(csat_scores),
                "csat_avg": mean(csat_scores),
                "csat_pct": safe_div(100 * satisfied, len(csat_scores)),
                "dsat_pct": safe_div(100 * dissatisfied, len(csat_scores)),
                "ces_responses": len(ces_scores),
                "ces_avg": mean(ces_scores),
            }
        )
    columns = [
        "month",
        "segment",
        "csat_responses",
        "csat_avg",
        "csat_pct",
        "dsat_pct",
        "ces_responses",
        "ces_avg",
    ]
    return frame(rows, columns)


def mart_survey_response_rate(
    tables: dict[str, pd.DataFrame], as_of_date: date, oracle_vars: OracleVars
) -> pd.DataFrame:
    """Readings: month = the invitation's sent_at month; survey_type and channel are the
    invitation's; responses = response rows (responded on or before as_of_date) whose
    invitation_id names such an invitation; dense grid (R8)."""
    base = Base(tables, as_of_date, oracle_vars)
    invitations: dict[tuple[date, str, str], int] = defaultdict(int)
    invitation_key: dict[str, tuple[date, str, str]] = {}
    for row in base.invitations:
        key = (month_of(row["sent_at"]), row["survey_type"], row["channel"])
        invitations[key] += 1
        invitation_key[row["invitation_id"]] = key
    responses: dict[tuple[date, str, str], int] = defaultdict(int)
    for row in base.responses:
        key = invitation_key.get(row["invitation_id"]) if row["invitation_id"] else None
        if key is not None:
            responses[key] += 1
    rows = []
    for month in base.spine:
        for survey_type in SURVEY_TYPES:
            for channel in INVITATION_CHANNELS:
                key = (month, survey_type, channel)
                rows.append(
                    {
                        "month": month,
                        "survey_type": survey_type,
                        "channel": channel,
                        "invitations": invitations.get(key, 0),
                        "responses": responses.get(key, 0),
                        "response_rate": safe_div(responses.get(key, 0), invitations.get(key, 0)),
                    }
                )
    columns = ["month", "survey_type", "channel", "invitations", "responses", "response_rate"]
    return frame(rows, columns)
