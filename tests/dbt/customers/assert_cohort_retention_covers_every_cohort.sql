{# grain: one row per expected (cohort month, segment, month) missing from mart_cohort_retention #}
{#- Every spine month is a cohort month of every segment (cs_segments() and 'all'), followed in
    every spine month from the cohort month to the as-of month, with month = cohort_month + k. -#}
with

month_segments as (select * from {{ ref('int_month_segments') }}),
months as (select * from {{ ref('int_months_spine') }}),
cohort_retention as (select * from {{ ref('mart_cohort_retention') }}),

expected as (
    select
        month_segments.month as cohort_month,
        month_segments.segment,
        months.month,
        months.month_number - month_segments.month_number as months_since_start
    from month_segments
    inner join months on month_segments.month <= months.month
),

expected_counts as (
    select count(*) as expected_rows from expected
),

actual_counts as (
    select count(*) as actual_rows from cohort_retention
),

missing as (
    select
        expected.cohort_month,
        expected.segment,
        expected.month,
        'missing' as problem
    from expected
    left join cohort_retention
        on
            expected.cohort_month = cohort_retention.cohort_month
            and expected.segment = cohort_retention.segment
            and expected.months_since_start = cohort_retention.months_since_start
            and expected.month = cohort_retention.month
    where cohort_retention.cohort_month is null
),

extra as (
    select
        cast(null as date) as cohort_month,
        cast(null as string) as segment,
        cast(null as date) as month,
        'rows outside the grid' as problem
    from expected_counts
    cross join actual_counts
    where expected_counts.expected_rows <> actual_counts.actual_rows
),

final as (
    select * from missing
    union all
    select * from extra
)

select * from final
