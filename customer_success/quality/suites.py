"""Great Expectations suites, as code: only what dbt tests cannot say.

dbt tests own every rule about one build (grain, ranges, grids, identities). These suites compare
a build with something outside it:

- `raw_volume`: rows read per raw table against the previous *published* build (its record in
  Dagster, orchestration/publish.py), so a build that did not publish is never the baseline;
- `raw_freshness`: the latest raw event of all tables against as_of_date (each table against
  the wall clock is a Dagster freshness check, orchestration/freshness.py, reading the same query
  and settings);
- `headline_drift`: the headline figures (MRR, customers) of every month already published
  against the serving file, i.e. the previous published build.

Each suite is one Dagster asset check (orchestration/gx_checks.py). Every loader pushes its
aggregation down to DuckDB and hands GX a frame of a few dozen rows at most, so the cost does not
grow with the raw volume. Every expectation is an error unless its meta says ``severity: warn``;
a suite fails with ERROR severity (and blocks publishing) when an error expectation fails or
anything raises, with WARN severity when only warn expectations fail.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from customer_success.manifest import Node, group_for_path
from customer_success.quality import QualitySettings
from customer_success.raw_contract import load_raw_contract
from customer_success.serving import PublishRecord
from customer_success.sql import quote_identifier, quote_relation, sql_text

WARN = {"severity": "warn"}

# headline figure -> the month x segment mart holding it ('all' rows are compared)
HEADLINE_FIGURES: Mapping[str, str] = {
    "ending_mrr": "mart_revenue_retention",
    "customers_end": "mart_logo_churn",
}


@dataclass(frozen=True)
class SuiteContext:
    """What a suite may read: the warehouse (read-only), relations by model, the previous
    publish and the published serving file."""

    connection: duckdb.DuckDBPyConnection
    relations: Mapping[str, tuple[str, str]]
    quality: QualitySettings
    baseline: PublishRecord | None
    published: Path

    def relation(self, model: str) -> str:
        return quote_relation(*self.relations[model])

    def frame(self, sql: str, parameters: list | None = None) -> pd.DataFrame:
        return self.connection.execute(sql, parameters or []).df()


Loaded = tuple[pd.DataFrame, tuple[str, ...]]


@dataclass(frozen=True)
class Suite:
    name: str
    model: str  # the asset the check is attached to
    description: str
    load: Callable[[SuiteContext], Loaded]
    expectations: Callable[[QualitySettings], list[Any]]
    reads: tuple[str, ...] = ()  # further models the suite reads

    @property
    def check_name(self) -> str:
        return f"gx_{self.name}"


def _gxe() -> Any:
    import great_expectations.expectations as gxe  # GX is heavy: imported only to validate

    return gxe


def _row_condition(column: str, value: str) -> Any:
    from great_expectations.expectations.row_conditions import Column

    return Column(column) == value


# ------------------------------------------------------------------------------------------
# raw_volume
# ------------------------------------------------------------------------------------------


def load_volume(context: SuiteContext) -> Loaded:
    """Rows read per raw table now, and in the previous published build."""
    frame = context.frame(
        f"select source_table, rows_read from {context.relation('row_reconciliation')} "
        "order by source_table"
    )
    baseline = context.baseline
    previous = baseline.rows_read if baseline else {}
    frame["previous_rows_read"] = [float(previous.get(t, math.nan)) for t in frame["source_table"]]
    frame["change"] = frame["rows_read"] / frame["previous_rows_read"] - 1
    frame.loc[frame["previous_rows_read"] == 0, "change"] = math.nan
    frame["emptied"] = (frame["previous_rows_read"] > 0) & (frame["rows_read"] == 0)
    if baseline is None:
        return frame, ("no previous published build: nothing to compare with yet",)
    return frame, (f"compared with the published build of run {baseline.run_id}",)


def raw_volume(quality: QualitySettings) -> list:
    gxe = _gxe()
    return [
        gxe.ExpectColumnValuesToBeInSet(column="emptied", value_set=[False]),
        # a raw table that lost more than max_drop of its rows since the last publish: blocked
        gxe.ExpectColumnValuesToBeBetween(column="change", min_value=-quality.volume_max_drop),
        # one that grew by more than max_growth: published, with a warning
        gxe.ExpectColumnValuesToBeBetween(
            column="change", max_value=quality.volume_max_growth, meta=WARN
        ),
    ]


# ------------------------------------------------------------------------------------------
# raw_freshness
# ------------------------------------------------------------------------------------------


def event_sources(models: Mapping[str, Node]) -> dict[str, tuple[str, str]]:
    """raw table -> (the staging model of its clean rows, its event column), from the lineage
    source -> base validator -> stg_ model."""
    table_of = {
        node["unique_id"]: dependency.rsplit(".", 1)[1]
        for node in models.values()
        for dependency in node.get("depends_on", {}).get("nodes", [])
        if dependency.startswith("source.")
    }
    # the column a raw table's rows are dated by, from the raw contract
    event_columns = {name: spec.event_column for name, spec in load_raw_contract().items()}
    found = {}
    for name, node in sorted(models.items()):
        if group_for_path(node.get("original_file_path") or "") != "staging":
            continue
        tables = {table_of[d] for d in node["depends_on"]["nodes"] if d in table_of}
        if len(tables) == 1 and (event_column := event_columns.get(table := tables.pop())):
            found[table] = (name, event_column)
    return found


def load_freshness(
    context: SuiteContext, sources: Mapping[str, tuple[str, str]], reference: date | None = None
) -> Loaded:
    """Per raw table: days from its latest event to the reference date (as_of_date, or
    ``reference``: the Dagster freshness checks give today), and the lag it may have.

    The allowed lag adapts to how often the table gets events: max(min_lag_days, gap_factor x the
    longest gap between consecutive event days in the window before the reference date). The row
    'overall' is the latest event of any table. One query: DuckDB returns a row per table.
    """
    quality = context.quality
    reference_sql = (
        f"select as_of_date from {context.relation('int_as_of_date')}"
        if reference is None
        else "select cast(? as date) as as_of_date"
    )
    per_table = [
        f"""
        select '{table}' as source_table, event_day,
               event_day - lag(event_day) over (order by event_day) as gap
        from (select distinct cast({quote_identifier(column)} as date) as event_day
              from {context.relation(model)}) as days
        where event_day <= (select as_of_date from as_of)
        """
        for table, (model, column) in sorted(sources.items())
    ]
    frame = context.frame(
        f"""
        with as_of as ({reference_sql}),
        days as ({" union all ".join(per_table)}),
        gaps as (
            select source_table, max(event_day) as latest_event_day,
                   max(gap) filter (where event_day > as_of_date - to_days(cast(? as integer)))
                       as longest_recent_gap,
                   any_value(as_of_date) as as_of_date
            from days cross join as_of group by source_table
        ),
        tables as (
            select 'table' as scope, source_table, latest_event_day,
                   date_diff('day', latest_event_day, as_of_date) as lag_days,
                   case when longest_recent_gap is not null
                        then greatest(?, ceil(? * longest_recent_gap)) end as allowed_lag_days
            from gaps
        )
        select * from tables
        union all
        select 'overall', 'overall', max(latest_event_day), min(lag_days), ? from tables
        order by scope desc, source_table
        """,
        ([] if reference is None else [reference])
        + [quality.freshness_window_days, quality.freshness_min_lag_days]
        + [quality.freshness_gap_factor, quality.freshness_min_lag_days],
    )
    if reference is not None:
        return frame, (f"reference date {reference}",)
    (as_of,) = context.connection.execute(reference_sql).fetchone()
    return frame, (f"as_of_date {as_of}",)


def raw_freshness(quality: QualitySettings) -> list:
    gxe = _gxe()
    within = {
        "column_A": "allowed_lag_days",
        "column_B": "lag_days",
        "or_equal": True,
        "ignore_row_if": "either_value_is_missing",
    }
    return [
        # the raw data as a whole must reach as_of_date (else months are zero-filled guesses);
        # a single feed behind its usual rhythm is the Dagster freshness check's
        # (orchestration/freshness.py)
        gxe.ExpectColumnPairValuesAToBeGreaterThanB(
            **within, row_condition=_row_condition("scope", "overall")
        ),
    ]


# ------------------------------------------------------------------------------------------
# headline_drift
# ------------------------------------------------------------------------------------------


def load_drift(context: SuiteContext) -> Loaded:
    """Per month already published and headline figure: the published and the new value."""
    columns = ["month", "figure", "published_value", "current_value", "change"]
    if not context.published.exists():
        return pd.DataFrame(columns=columns), ("no published build yet: nothing to compare with",)
    connection = context.connection
    connection.execute(f"attach {sql_text(context.published)} as published (read_only)")
    try:
        selects, notes = [], [f"compared with the published file {context.published}"]
        for figure, model in HEADLINE_FIGURES.items():
            schema, table = context.relations[model]
            published_columns = connection.execute(
                "select count(*) from duckdb_columns() where database_name = 'published' "
                "and schema_name = ? and table_name = ? and column_name in (?, 'month', 'segment')",
                [schema, table, figure],
            ).fetchone()[0]
            if published_columns < 3:
                notes.append(f"the published build has no {schema}.{table}.{figure}")
                continue
            name = quote_relation(schema, table)
            selects.append(
                f"select cur.month, '{figure}' as figure, pub.{figure} as published_value, "
                f"cur.{figure} as current_value from {name} as cur "
                f"join published.{name} as pub on cur.month = pub.month "
                "and cur.segment = pub.segment where cur.segment = 'all'"
            )
        frame = (
            context.frame(" union all ".join(selects) + " order by figure, month")
            if selects
            else pd.DataFrame(columns=columns[:-1])
        )
    finally:
        connection.execute("detach published")
    published = frame["published_value"].astype("float64")
    frame["change"] = frame["current_value"].astype("float64") / published - 1
    frame.loc[published == 0, "change"] = math.nan
    frame["month"] = frame["month"].astype("string")
    return frame, tuple(notes)


def headline_drift(quality: QualitySettings) -> list:
    gxe = _gxe()
    return [
        # a month already published whose MRR or customer count moved by more than
        # drift_max_change: restated (late data, a changed model); published, with a warning
        gxe.ExpectColumnValuesToBeBetween(
            column="change",
            min_value=-quality.drift_max_change,
            max_value=quality.drift_max_change,
            meta=WARN,
        ),
    ]


# ------------------------------------------------------------------------------------------
# The catalogue
# ------------------------------------------------------------------------------------------


def build_suites(models: Mapping[str, Node]) -> tuple[Suite, ...]:
    sources = event_sources(models)
    return (
        Suite(
            name="raw_volume",
            model="row_reconciliation",
            description="Rows read per raw table against the previous published build",
            load=load_volume,
            expectations=raw_volume,
        ),
        Suite(
            name="raw_freshness",
            model="int_as_of_date",
            description="Latest event of the raw data against as_of_date",
            load=lambda context: load_freshness(context, sources),
            expectations=raw_freshness,
            reads=tuple(sorted(model for model, _ in sources.values())),
        ),
        Suite(
            name="headline_drift",
            model="mart_revenue_retention",
            description="MRR and customers of published months against the published build",
            load=load_drift,
            expectations=headline_drift,
            reads=tuple(sorted(set(HEADLINE_FIGURES.values()) - {"mart_revenue_retention"})),
        ),
    )
