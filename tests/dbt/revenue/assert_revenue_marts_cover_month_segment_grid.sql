{# grain: one row per month x segment missing from, or extra or repeated in, a month x segment revenue mart #}
{#- No gaps: every spine month x segment (smb, mid_market, enterprise, all) is exactly one row of
    mart_revenue_retention, mart_logo_churn and mart_unit_economics. -#}
with

month_segments as (select * from {{ ref('int_month_segments') }}),
revenue_retention as (select * from {{ ref('mart_revenue_retention') }}),
logo_churn as (select * from {{ ref('mart_logo_churn') }}),
unit_economics as (select * from {{ ref('mart_unit_economics') }}),

mart_rows as (
    select 'mart_revenue_retention' as mart, month, segment from revenue_retention
    union all
    select 'mart_logo_churn' as mart, month, segment from logo_churn
    union all
    select 'mart_unit_economics' as mart, month, segment from unit_economics
),

mart_counts as (
    select mart, month, segment, count(*) as mart_rows
    from mart_rows
    group by mart, month, segment
),

marts as (
    select 'mart_revenue_retention' as mart
    union all select 'mart_logo_churn'
    union all select 'mart_unit_economics'
),

expected as (
    select marts.mart, month_segments.month, month_segments.segment
    from month_segments
    cross join marts
),

compared as (
    select
        coalesce(expected.mart, mart_counts.mart) as mart,
        coalesce(expected.month, mart_counts.month) as month,
        coalesce(expected.segment, mart_counts.segment) as segment,
        coalesce(mart_counts.mart_rows, 0) as mart_rows,
        expected.mart is not null as is_expected
    from expected
    full outer join mart_counts
        on
            expected.mart = mart_counts.mart
            and expected.month = mart_counts.month
            and expected.segment = mart_counts.segment
)

select * from compared
where not is_expected or mart_rows <> 1
