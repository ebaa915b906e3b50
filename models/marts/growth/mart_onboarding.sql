{# grain: one row per signup month per segment, including segment = 'all' #}
{#- Customers by the month they signed up (on or before as_of_date): how many signed up, how many
    completed onboarding on or before as_of_date, and the mean fractional days from sign-up to
    onboarding and to first value (over the customers who reached each by as_of_date). Dense over
    the month x segment grid: a month or segment without signups is a row of zeros. -#}
with

month_segments as (select * from {{ ref('int_month_segments') }}),
customers as (select * from {{ ref('int_customers_onboarding_measured') }}),

customers_by_segment as (
    select signup_month, segment, is_onboarded, days_to_onboard, days_to_first_value
    from customers
    union all
    select signup_month, 'all' as segment, is_onboarded, days_to_onboard, days_to_first_value
    from customers
),

aggregated as (
    select
        signup_month,
        segment,
        count(*) as signups,
        sum(case when is_onboarded then 1 else 0 end) as onboarded,
        avg(days_to_onboard) as avg_days_to_onboard,
        avg(days_to_first_value) as avg_days_to_first_value
    from customers_by_segment
    group by signup_month, segment
),

final as (
    select
        month_segments.month,
        month_segments.segment,
        cast(coalesce(aggregated.signups, 0) as bigint) as signups,
        cast(coalesce(aggregated.onboarded, 0) as bigint) as onboarded,
        aggregated.avg_days_to_onboard,
        aggregated.avg_days_to_first_value
    from month_segments
    left join aggregated
        on month_segments.month = aggregated.signup_month
            and month_segments.segment = aggregated.segment
)

select * from final
