"""Great Expectations suites, as code: what dbt tests do not cover.

One suite per public mart (ranges and documented bounds from ../shared/contract/metrics.md, the
month spine, a few distributions) and two on the raw data (volume against the previous published
run, freshness against as_of_date). Each suite is one Dagster asset check (quality/checks.py).

Every expectation is an error unless its meta says ``severity: warn``. A suite fails with ERROR
severity (and blocks publishing) when an error expectation fails or GX raises; with WARN severity
when only warn expectations fail. Great Expectations is imported only when a suite runs.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import pandas as pd

from orchestration.quality.warehouse import WarehouseReader, quote_relation
from orchestration.settings import QualitySettings

SEGMENTS = ("smb", "mid_market", "enterprise")
SEGMENTS_WITH_ALL = (*SEGMENTS, "all")
WARN = {"severity": "warn"}


@dataclass(frozen=True)
class LoadContext:
    """What a suite may read: model relations by name, and run-level values."""

    relations: dict[str, tuple[str, str]]
    as_of_date: str | None
    quality: QualitySettings

    def relation(self, model: str) -> str:
        schema, alias = self.relations[model]
        return quote_relation(schema, alias)


@dataclass(frozen=True)
class SuiteInputs:
    """The data a suite validates, and the values its expectations are built from."""

    frame: pd.DataFrame
    spine_months: tuple[str, ...]
    as_of_date: str | None
    quality: QualitySettings
    notes: tuple[str, ...] = ()


Loader = Callable[[WarehouseReader, LoadContext, str], tuple[pd.DataFrame, tuple[str, ...]]]


def load_model(
    reader: WarehouseReader, context: LoadContext, model: str
) -> tuple[pd.DataFrame, tuple[str, ...]]:
    """The whole model as a frame (marts are small: month x segment grids)."""
    return normalise_months(reader.frame(f"select * from {context.relation(model)}")), ()


@dataclass(frozen=True)
class Suite:
    name: str
    model: str
    description: str
    expectations: Callable[[SuiteInputs], list[Any]]
    load: Loader = load_model
    reads: tuple[str, ...] = ()
    uses_spine: bool = True

    @property
    def check_name(self) -> str:
        return f"gx_{self.name}"


def normalise_months(frame: pd.DataFrame) -> pd.DataFrame:
    """Month columns as ISO strings, so they compare with the spine."""
    for column in frame.columns:
        if column.endswith("month") and pd.api.types.is_datetime64_any_dtype(frame[column]):
            frame[column] = frame[column].dt.strftime("%Y-%m-%d")
    return frame


# ------------------------------------------------------------------------------------------
# Building blocks
# ------------------------------------------------------------------------------------------


def _gxe() -> Any:
    import great_expectations.expectations as gxe  # GX is imported lazily

    return gxe


def between(columns: Iterable[str], low: float | None, high: float | None, **extra) -> list:
    gxe = _gxe()
    return [
        gxe.ExpectColumnValuesToBeBetween(column=col, min_value=low, max_value=high, **extra)
        for col in columns
    ]


def non_negative(columns: Iterable[str]) -> list:
    return between(columns, 0, None)


def fractions(columns: Iterable[str]) -> list:
    """Rates documented as fractions within [0, 1]."""
    return between(columns, 0, 1)


def not_null(columns: Iterable[str]) -> list:
    gxe = _gxe()
    return [gxe.ExpectColumnValuesToNotBeNull(column=col) for col in columns]


def months_in_spine(inputs: SuiteInputs, column: str = "month") -> list:
    gxe = _gxe()
    return [
        gxe.ExpectColumnValuesToNotBeNull(column=column),
        gxe.ExpectColumnValuesToBeInSet(column=column, value_set=list(inputs.spine_months)),
    ]


def month_series(inputs: SuiteInputs) -> list:
    """One row per spine month: no month missing, none twice."""
    gxe = _gxe()
    return [
        *months_in_spine(inputs),
        gxe.ExpectColumnDistinctValuesToEqualSet(
            column="month", value_set=list(inputs.spine_months)
        ),
        gxe.ExpectColumnValuesToBeUnique(column="month"),
        gxe.ExpectTableRowCountToEqual(value=len(inputs.spine_months)),
    ]


def month_segment_grid(inputs: SuiteInputs) -> list:
    """One row per spine month and segment (with 'all'): no month or segment missing."""
    gxe = _gxe()
    return [
        *months_in_spine(inputs),
        gxe.ExpectColumnDistinctValuesToEqualSet(
            column="month", value_set=list(inputs.spine_months)
        ),
        gxe.ExpectColumnValuesToNotBeNull(column="segment"),
        gxe.ExpectColumnDistinctValuesToEqualSet(
            column="segment", value_set=list(SEGMENTS_WITH_ALL)
        ),
        gxe.ExpectCompoundColumnsToBeUnique(column_list=["month", "segment"]),
        gxe.ExpectTableRowCountToEqual(value=len(inputs.spine_months) * len(SEGMENTS_WITH_ALL)),
    ]


def column(name: str) -> Any:
    """A GX row-condition column: `column("segment") != "all"` restricts an expectation."""
    from great_expectations.expectations.row_conditions import Column

    return Column(name)


# ------------------------------------------------------------------------------------------
# Mart suites (metrics.md)
# ------------------------------------------------------------------------------------------

MRR_AMOUNTS = (
    "starting_mrr",
    "ending_mrr",
    "new_mrr",
    "reactivation_mrr",
    "expansion_mrr",
    "contraction_mrr",
    "churned_mrr",
)


def mrr_movements(inputs: SuiteInputs) -> list:
    gxe = _gxe()
    return [
        *months_in_spine(inputs),
        *not_null(["customer_id", *MRR_AMOUNTS]),
        *non_negative(MRR_AMOUNTS),
        gxe.ExpectCompoundColumnsToBeUnique(column_list=["month", "customer_id"]),
        gxe.ExpectColumnValuesToBeInSet(column="segment", value_set=list(SEGMENTS)),
        gxe.ExpectColumnValuesToBeInSet(
            column="movement",
            value_set=["new", "reactivation", "expansion", "contraction", "churn", "retained"],
        ),
    ]


def revenue_retention(inputs: SuiteInputs) -> list:
    gxe = _gxe()
    return [
        *month_segment_grid(inputs),
        *not_null(MRR_AMOUNTS),
        *non_negative([*MRR_AMOUNTS, "arr", "arpa", "nrr", "nrr_12m"]),
        *fractions(["gross_revenue_churn_rate", "grr", "grr_12m"]),
        # negative = the base grew (seed 002); it can never lose more than all of it
        *between(["net_revenue_churn_rate"], None, 1),
        # distribution: a base that loses half its MRR every month on average is a bug
        gxe.ExpectColumnMeanToBeBetween(column="grr", min_value=0.5, meta=WARN),
    ]


def logo_churn(inputs: SuiteInputs) -> list:
    gxe = _gxe()
    counts = [
        "customers_start",
        "customers_new",
        "customers_reactivated",
        "customers_churned",
        "customers_end",
    ]
    return [
        *month_segment_grid(inputs),
        *not_null(counts),
        *non_negative(counts),
        *fractions(["logo_churn_rate", "customer_retention_rate"]),
        *between(["net_customer_churn_rate"], None, 1),
        gxe.ExpectColumnMeanToBeBetween(column="logo_churn_rate", max_value=0.5, meta=WARN),
    ]


def unit_economics(inputs: SuiteInputs) -> list:
    gxe = _gxe()
    return [
        *month_segment_grid(inputs),
        *non_negative(
            [
                "arpa",
                "clv",
                "avg_invoice_usd",
                "invoices_per_customer_month",
                "clv_historical",
                "acquisition_cost",
                "retention_cost",
                "cac",
                "clv_to_cac",
                "cac_payback_months",
                "crc",
            ]
        ),
        *fractions(["gross_margin", "churn_rate_12m"]),
        *between(["expected_lifetime_months"], 1, None),
        # spend carries no segment: cac and crc only on the 'all' rows
        gxe.ExpectColumnValuesToBeNull(column="cac", row_condition=column("segment") != "all"),
        gxe.ExpectColumnValuesToBeNull(column="crc", row_condition=column("segment") != "all"),
    ]


def customer_lifetime(inputs: SuiteInputs) -> list:
    gxe = _gxe()
    return [
        gxe.ExpectColumnValuesToNotBeNull(column="customer_id"),
        gxe.ExpectColumnValuesToBeUnique(column="customer_id"),
        *non_negative(["current_mrr"]),
        *non_negative(["active_months"]),
        gxe.ExpectColumnPairValuesAToBeGreaterThanB(
            column_A="last_active_month",
            column_B="first_active_month",
            or_equal=True,
            ignore_row_if="either_value_is_missing",
        ),
    ]


def nps(inputs: SuiteInputs) -> list:
    counts = ["responses", "promoters", "passives", "detractors"]
    return [
        *month_segment_grid(inputs),
        *not_null(counts),
        *non_negative(counts),
        *between(["nps"], -100, 100),
        *between(["pct_promoters", "pct_detractors"], 0, 1),
    ]


def customer_experience(inputs: SuiteInputs) -> list:
    return [
        *month_segment_grid(inputs),
        *non_negative(["csat_responses", "ces_responses"]),
        *between(["csat_avg", "ces_avg"], 1, 5),
        *between(["csat_pct", "dsat_pct"], 0, 100),
    ]


def survey_response_rate(inputs: SuiteInputs) -> list:
    return [
        *months_in_spine(inputs),
        *not_null(["survey_type", "channel"]),
        *non_negative(["invitations", "responses"]),
        *fractions(["response_rate"]),
    ]


def support_kpis(inputs: SuiteInputs) -> list:
    gxe = _gxe()
    return [
        *month_segment_grid(inputs),
        *non_negative(
            [
                "tickets_created",
                "tickets_per_customer",
                "first_response_hours_avg",
                "first_response_hours_median",
                "tickets_resolved",
                "resolution_hours_avg",
                "interactions",
                "aht_seconds",
                "open_tickets_end",
                "backlog_end",
            ]
        ),
        *fractions(["fcr_rate"]),
        *between(["avg_ticket_severity"], 1, 4),
        gxe.ExpectColumnPairValuesAToBeGreaterThanB(
            column_A="open_tickets_end",
            column_B="backlog_end",
            or_equal=True,
            ignore_row_if="either_value_is_missing",
        ),
    ]


def ticket_categories(inputs: SuiteInputs) -> list:
    return [
        *months_in_spine(inputs),
        *not_null(["category"]),
        *non_negative(["tickets_created", "resolution_hours_avg"]),
        *fractions(["share_of_tickets"]),
        *between(["avg_severity"], 1, 4),
    ]


def agent_performance(inputs: SuiteInputs) -> list:
    return [
        *months_in_spine(inputs),
        *not_null(["agent_id"]),
        *non_negative(
            ["tickets_resolved", "interactions", "aht_seconds", "first_response_hours_avg"]
        ),
        *fractions(["fcr_rate"]),
        *between(["csat_avg"], 1, 5),
    ]


def trial_conversion(inputs: SuiteInputs) -> list:
    gxe = _gxe()
    return [
        *month_series(inputs),
        *non_negative(["trials_ended", "trials_converted"]),
        *fractions(["trial_to_paid_rate"]),
        gxe.ExpectColumnPairValuesAToBeGreaterThanB(
            column_A="trials_ended", column_B="trials_converted", or_equal=True
        ),
    ]


def referrals(inputs: SuiteInputs) -> list:
    gxe = _gxe()
    return [
        *month_series(inputs),
        *non_negative(["customers_new", "referred_customers_new"]),
        *fractions(["referral_rate"]),
        gxe.ExpectColumnPairValuesAToBeGreaterThanB(
            column_A="customers_new", column_B="referred_customers_new", or_equal=True
        ),
    ]


def onboarding(inputs: SuiteInputs) -> list:
    gxe = _gxe()
    return [
        # signup months may precede the spine (it starts with subscriptions, tickets, surveys)
        gxe.ExpectColumnValuesToNotBeNull(column="month"),
        gxe.ExpectColumnValuesToBeInSet(column="segment", value_set=list(SEGMENTS_WITH_ALL)),
        *non_negative(["signups", "onboarded", "avg_days_to_onboard", "avg_days_to_first_value"]),
        gxe.ExpectColumnPairValuesAToBeGreaterThanB(
            column_A="signups", column_B="onboarded", or_equal=True
        ),
    ]


HEALTH_COMPONENTS = (
    "usage_score",
    "spend_trend_score",
    "support_score",
    "sentiment_score",
    "payment_score",
    "engagement_score",
)


def customer_health(inputs: SuiteInputs) -> list:
    gxe = _gxe()
    scores = [*HEALTH_COMPONENTS, "health_score"]
    return [
        *months_in_spine(inputs),
        gxe.ExpectCompoundColumnsToBeUnique(column_list=["month", "customer_id"]),
        # one row per *active* customer: MRR > 0
        *between(["mrr"], 0.01, None),
        # every component and the score are 0-100; a component with no data is neutral, not null
        *not_null(["customer_id", *scores, "health_band"]),
        *between(scores, 0, 100),
        gxe.ExpectColumnValuesToBeInSet(column="health_band", value_set=["green", "yellow", "red"]),
        gxe.ExpectColumnMeanToBeBetween(
            column="health_score", min_value=10, max_value=95, meta=WARN
        ),
    ]


# ------------------------------------------------------------------------------------------
# Raw-data suites
# ------------------------------------------------------------------------------------------

BUILD_LOG = ("audit", "build_log")
VOLUME_HISTORY = ("audit", "raw_volume_history")


def load_volume(
    reader: WarehouseReader, context: LoadContext, model: str
) -> tuple[pd.DataFrame, tuple[str, ...]]:
    """Rows read per raw table now, and in the previous published run."""
    current = reader.frame(
        f"select source_table, rows_read from {context.relation(model)} order by source_table"
    )
    notes: tuple[str, ...] = ()
    previous = pd.DataFrame({"source_table": [], "previous_rows_read": []})
    if reader.relation_exists(*BUILD_LOG) and reader.relation_exists(*VOLUME_HISTORY):
        baseline = reader.scalar(
            f"select run_id from {quote_relation(*BUILD_LOG)} order by finished_at desc limit 1"
        )
        if baseline is not None:
            previous = reader.frame(
                "select source_table, rows_read as previous_rows_read "
                f"from {quote_relation(*VOLUME_HISTORY)} where run_id = ?",
                [baseline],
            )
            notes = (f"compared with the published run {baseline}",)
    if not notes:
        notes = ("no previous published run in this warehouse: nothing to compare with yet",)
    frame = current.merge(previous, on="source_table", how="left")
    frame["previous_rows_read"] = frame["previous_rows_read"].astype("float64")
    frame["change"] = frame["rows_read"] / frame["previous_rows_read"] - 1
    frame.loc[frame["previous_rows_read"] == 0, "change"] = float("nan")
    frame["emptied"] = (frame["previous_rows_read"] > 0) & (frame["rows_read"] == 0)
    return frame, notes


def raw_volume(inputs: SuiteInputs) -> list:
    gxe = _gxe()
    quality = inputs.quality
    return [
        gxe.ExpectColumnValuesToBeInSet(column="emptied", value_set=[False]),
        # a raw table that lost more than max_drop of its rows since the last publish: blocked
        gxe.ExpectColumnValuesToBeBetween(column="change", min_value=-quality.volume_max_drop),
        # one that grew by more than max_growth: published, with a warning
        gxe.ExpectColumnValuesToBeBetween(
            column="change", max_value=quality.volume_max_growth, meta=WARN
        ),
    ]


# raw table -> (staging model, event timestamp/date column): the dates things happened on
EVENT_COLUMNS: dict[str, tuple[str, str]] = {
    "customers": ("stg_billing__customers", "signed_up_at"),
    "subscriptions": ("stg_billing__subscriptions", "valid_from"),
    "invoices": ("stg_billing__invoices", "issued_at"),
    "tickets": ("stg_support__tickets", "created_at"),
    "ticket_interactions": ("stg_support__ticket_interactions", "started_at"),
    "survey_invitations": ("stg_surveys__survey_invitations", "sent_at"),
    "survey_responses": ("stg_surveys__survey_responses", "responded_at"),
    "product_usage": ("stg_product__usage", "usage_date"),
    "engagement_events": ("stg_product__engagement_events", "occurred_at"),
}


def load_freshness(
    reader: WarehouseReader, context: LoadContext, model: str
) -> tuple[pd.DataFrame, tuple[str, ...]]:
    """Per raw table: days from its latest event to as_of_date, and the lag it may have.

    The allowed lag adapts to how often the table gets events: max(min_lag_days, gap_factor x the
    longest gap between consecutive event days in the window before as_of_date). The row
    'overall' is the latest event of any table.
    """
    as_of = reader.scalar(f"select as_of_date from {context.relation(model)}")
    quality = context.quality
    rows = []
    for table, (stg_model, column) in EVENT_COLUMNS.items():
        if stg_model not in context.relations:
            continue
        stats = reader.frame(
            f"""
            with days as (
                select distinct cast({column} as date) as event_day
                from {context.relation(stg_model)}
                where {column} is not null and cast({column} as date) <= cast(? as date)
            ),
            gaps as (
                select event_day,
                       date_diff('day', lag(event_day) over (order by event_day), event_day) as gap
                from days
            )
            select max(event_day) as latest_event_day,
                   count(*) as event_days,
                   max(case when event_day > cast(? as date) - to_days(cast(? as integer))
                            then gap end) as longest_recent_gap
            from gaps
            """,
            [as_of, as_of, quality.freshness_window_days],
        ).iloc[0]
        rows.append({"source_table": table, **stats.to_dict()})
    frame = pd.DataFrame(rows)
    as_of_ts = pd.Timestamp(as_of)
    frame["lag_days"] = (as_of_ts - pd.to_datetime(frame["latest_event_day"])).dt.days
    gaps = frame["longest_recent_gap"].astype("float64")
    frame["allowed_lag_days"] = [
        max(quality.freshness_min_lag_days, math.ceil(quality.freshness_gap_factor * gap))
        if not math.isnan(gap)
        else float("nan")
        for gap in gaps
    ]
    overall_lag = frame["lag_days"].min()
    overall = {
        "source_table": "overall",
        "lag_days": overall_lag,
        "allowed_lag_days": quality.freshness_min_lag_days,
    }
    frame = pd.concat([frame, pd.DataFrame([overall])], ignore_index=True)
    frame["scope"] = ["overall" if t == "overall" else "table" for t in frame["source_table"]]
    frame["latest_event_day"] = frame["latest_event_day"].astype("string")
    notes = (f"as_of_date {pd.Timestamp(as_of).date()}",)
    return frame[
        ["source_table", "scope", "latest_event_day", "lag_days", "allowed_lag_days"]
    ], notes


def raw_freshness(inputs: SuiteInputs) -> list:
    gxe = _gxe()
    return [
        # the raw data as a whole must reach as_of_date (else months are zero-filled guesses)
        gxe.ExpectColumnPairValuesAToBeGreaterThanB(
            column_A="allowed_lag_days",
            column_B="lag_days",
            or_equal=True,
            ignore_row_if="either_value_is_missing",
            row_condition=column("scope") == "overall",
        ),
        # a single feed that stopped earlier than its usual rhythm: a warning
        gxe.ExpectColumnPairValuesAToBeGreaterThanB(
            column_A="allowed_lag_days",
            column_B="lag_days",
            or_equal=True,
            ignore_row_if="either_value_is_missing",
            row_condition=column("scope") == "table",
            meta=WARN,
        ),
    ]


# ------------------------------------------------------------------------------------------
# The catalogue
# ------------------------------------------------------------------------------------------

SPINE_MODEL = "int_months_spine"


def _mart(name: str, builder: Callable[[SuiteInputs], list], what: str) -> Suite:
    return Suite(name=name, model=name, description=what, expectations=builder)


SUITES: tuple[Suite, ...] = (
    _mart("fct_mrr_movements", mrr_movements, "MRR amounts >= 0, movements, months in spine"),
    _mart(
        "mart_revenue_retention",
        revenue_retention,
        "Month x segment grid complete; MRR >= 0; churn, GRR in [0, 1]; NRR >= 0",
    ),
    _mart("mart_logo_churn", logo_churn, "Grid complete; counts >= 0; churn rates in range"),
    _mart("mart_unit_economics", unit_economics, "Grid complete; money >= 0; cac/crc on 'all'"),
    _mart("fct_customer_lifetime", customer_lifetime, "One row per customer; MRR >= 0"),
    _mart("mart_nps", nps, "Grid complete; NPS within [-100, 100]; shares within [0, 100]"),
    _mart(
        "mart_customer_experience",
        customer_experience,
        "Grid complete; CSAT/CES averages in [1, 5]; CSAT%/DSAT% in [0, 100]",
    ),
    _mart("mart_survey_response_rate", survey_response_rate, "Response rate in [0, 1]"),
    _mart("mart_support_kpis", support_kpis, "Grid complete; durations >= 0; FCR in [0, 1]"),
    _mart("mart_ticket_categories", ticket_categories, "Shares in [0, 1]; severity in [1, 4]"),
    _mart("mart_agent_performance", agent_performance, "FCR in [0, 1]; CSAT in [1, 5]"),
    _mart("mart_trial_conversion", trial_conversion, "Every spine month; rate in [0, 1]"),
    _mart("mart_referrals", referrals, "Every spine month; rate in [0, 1]"),
    _mart("mart_onboarding", onboarding, "Counts and durations >= 0"),
    _mart("mart_customer_health", customer_health, "Scores in [0, 100]; bands"),
    Suite(
        name="raw_volume",
        model="row_reconciliation",
        description="Rows read per raw table against the previous published run",
        expectations=raw_volume,
        load=load_volume,
        uses_spine=False,
    ),
    Suite(
        name="raw_freshness",
        model="int_as_of_date",
        description="Latest event of each raw table against as_of_date",
        expectations=raw_freshness,
        load=load_freshness,
        reads=tuple(model for model, _ in EVENT_COLUMNS.values()),
        uses_spine=False,
    ),
)

MART_SUITES = tuple(suite for suite in SUITES if suite.model == suite.name)
