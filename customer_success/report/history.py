"""The published history (`audit.published_figures`, a dbt model): what the last publish
restated.

`restatements` lists every headline figure of a month that both the last and the previous
publish hold and that changed between them (late data, a corrected raw row, a changed model),
with the change. The query runs in DuckDB, on the serving file or anything holding the relation.
"""

from __future__ import annotations

from typing import Any

import duckdb

from customer_success.sql import quote_relation

HISTORY_RELATION = ("audit", "published_figures")
# Doubles summed in parallel can differ in the last bits between two builds of the same data;
# a change smaller than this share of the value is not a restatement.
RELATIVE_TOLERANCE = 1e-9

RESTATEMENTS_SQL = """
with history as (
    select * from {history}
),
publishes as (
    select build_id, row_number() over (order by max(built_at) desc, build_id desc) as recency
    from history
    group by build_id
),
latest as (
    select history.* from history
    inner join publishes on history.build_id = publishes.build_id and publishes.recency = 1
),
previous as (
    select history.* from history
    inner join publishes on history.build_id = publishes.build_id and publishes.recency = 2
)
select
    latest.mart,
    latest.month,
    latest.figure,
    previous.value as previous_value,
    latest.value as current_value,
    latest.value - previous.value as change,
    case when previous.value != 0 then latest.value / previous.value - 1 end as relative_change,
    previous.build_id as previous_build_id,
    previous.as_of_date as previous_as_of_date,
    latest.build_id as build_id,
    latest.as_of_date as as_of_date
from latest
inner join previous
    on latest.mart = previous.mart
    and latest.month = previous.month
    and latest.figure = previous.figure
where (latest.value is null) != (previous.value is null)
    or abs(latest.value - previous.value)
        > ? * greatest(abs(latest.value), abs(previous.value), 1e-300)
order by latest.mart, latest.month, latest.figure
"""


def restatements(
    connection: duckdb.DuckDBPyConnection, relation: tuple[str, str] = HISTORY_RELATION
) -> list[dict[str, Any]]:
    """Figures of months the previous publish already held that the last publish changed, one
    dict per figure (mart, month, figure, previous_value, current_value, change,
    relative_change, and both builds' ids and as_of dates). Empty before the second publish."""
    cursor = connection.execute(
        RESTATEMENTS_SQL.format(history=quote_relation(*relation)), [RELATIVE_TOLERANCE]
    )
    names = [column[0] for column in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
