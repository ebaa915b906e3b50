{# grain: one row per customer signed up on or before as_of_date #}
{#- The customer's signup month and segment, whether onboarding was completed and first value
    reached on or before as_of_date (a milestone dated later has not happened yet), and the time
    each took in fractional days from signed_up_at (epoch-seconds difference / 86400). -#}
with

as_of as (select * from {{ ref('int_as_of_date') }}),
customers as (select * from {{ ref('stg_billing__customers') }}),

signed_up as (
    select
        customers.customer_id,
        customers.segment,
        customers.signed_up_at,
        cast({{ dbt.date_trunc('month', 'customers.signed_up_at') }} as date) as signup_month,
        case
            when customers.onboarding_completed_at < as_of.as_of_end_at then customers.onboarding_completed_at
        end as onboarding_completed_at,
        case
            when customers.first_value_at < as_of.as_of_end_at then customers.first_value_at
        end as first_value_at
    from customers
    cross join as_of
    where customers.signed_up_at < as_of.as_of_end_at
),

final as (
    select
        *,
        onboarding_completed_at is not null as is_onboarded,
        first_value_at is not null as has_reached_first_value,
        cast(
            {{ dbt.datediff('signed_up_at', 'onboarding_completed_at', 'second') }}
            as double
        ) / 86400 as days_to_onboard,
        cast(
            {{ dbt.datediff('signed_up_at', 'first_value_at', 'second') }}
            as double
        ) / 86400 as days_to_first_value
    from signed_up
)

select * from final
