{# grain: one row per month, gap-free, from the first month with data to the as_of month #}
{#- The first month is the earliest month found in subscriptions (valid_from), tickets
    (created_at) and survey responses (responded_at), counting only what is dated on or before
    as_of_date. Per month: the MRR snapshot date s(m) = min(last day of m, as_of_date) and the
    point-in-time instant e(m) = min(first instant of m+1, first instant after as_of_date). -#}
with

as_of as (select * from {{ ref('int_as_of_date') }}),
subscriptions as (select * from {{ ref('stg_billing__subscriptions') }}),
tickets as (select * from {{ ref('stg_support__tickets') }}),
responses as (select * from {{ ref('stg_surveys__survey_responses') }}),

first_dates as (
    select min(subscriptions.valid_from) as first_date
    from subscriptions cross join as_of
    where subscriptions.valid_from <= as_of.as_of_date
    union all
    select cast(min(tickets.created_at) as date)
    from tickets cross join as_of
    where tickets.created_at < as_of.as_of_end_at
    union all
    select cast(min(responses.responded_at) as date)
    from responses cross join as_of
    where responses.responded_at < as_of.as_of_end_at
),

bounds as (
    select
        cast({{ dbt.date_trunc('month', 'coalesce(min(first_dates.first_date), max(as_of.as_of_date))') }} as date)
            as first_month,
        max(as_of.as_of_month) as last_month
    from first_dates cross join as_of
),

digits as (
    select 0 as digit union all select 1 union all select 2 union all select 3 union all select 4
    union all select 5 union all select 6 union all select 7 union all select 8 union all select 9
),

month_offsets as (
    select hundreds.digit * 100 + tens.digit * 10 + ones.digit as month_offset
    from digits as hundreds
    cross join digits as tens
    cross join digits as ones
),

months as (
    select
        month_offsets.month_offset,
        cast({{ dbt.dateadd('month', 'month_offsets.month_offset', 'bounds.first_month') }} as date) as month
    from month_offsets
    cross join bounds
    where month_offsets.month_offset <= {{ dbt.datediff('bounds.first_month', 'bounds.last_month', 'month') }}
),

final as (
    select
        months.month,
        months.month_offset + 1 as month_number,
        cast({{ dbt.dateadd('month', -1, 'months.month') }} as date) as previous_month,
        cast({{ dbt.dateadd('day', -1, dbt.dateadd('month', 1, 'months.month')) }} as date)
            as month_last_day,
        least(
            cast({{ dbt.dateadd('day', -1, dbt.dateadd('month', 1, 'months.month')) }} as date),
            as_of.as_of_date
        ) as snapshot_date,
        least(
            cast({{ dbt.dateadd('month', 1, 'months.month') }} as timestamp),
            as_of.as_of_end_at
        ) as month_end_at
    from months
    cross join as_of
)

select * from final
