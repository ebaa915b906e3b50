{# grain: one row per trial subscription version that ended on or before as_of_date #}
{#- A trial version ends on its valid_to (exclusive end); versions still in force (valid_to null)
    or ending after as_of_date have not ended yet and are left out. It converted when the same
    subscription has a paid (not is_trial) version whose valid_from lies between the trial's
    valid_to and valid_to + var trial_conversion_days, both ends inclusive, and on or before
    as_of_date (a paid version starting later is not known yet). -#}
with

as_of as (select * from {{ ref('int_as_of_date') }}),
subscriptions as (select * from {{ ref('stg_billing__subscriptions') }}),

ended_trials as (
    select
        subscriptions.subscription_id,
        subscriptions.customer_id,
        subscriptions.valid_from,
        subscriptions.valid_to,
        cast({{ dbt.date_trunc('month', 'subscriptions.valid_to') }} as date) as ended_month,
        cast({{ dbt.dateadd('day', var('trial_conversion_days'), 'subscriptions.valid_to') }} as date)
            as conversion_deadline
    from subscriptions
    cross join as_of
    where subscriptions.is_trial
        and subscriptions.valid_to <= as_of.as_of_date
),

paid_versions as (
    select
        subscriptions.subscription_id,
        subscriptions.valid_from
    from subscriptions
    cross join as_of
    where not subscriptions.is_trial
        and subscriptions.valid_from <= as_of.as_of_date
),

conversions as (
    select
        ended_trials.subscription_id,
        ended_trials.valid_from,
        min(paid_versions.valid_from) as converted_on
    from ended_trials
    inner join paid_versions
        on ended_trials.subscription_id = paid_versions.subscription_id
            and ended_trials.valid_to <= paid_versions.valid_from
            and ended_trials.conversion_deadline >= paid_versions.valid_from
    group by ended_trials.subscription_id, ended_trials.valid_from
),

final as (
    select
        ended_trials.subscription_id,
        ended_trials.customer_id,
        ended_trials.valid_from,
        ended_trials.valid_to,
        ended_trials.ended_month,
        ended_trials.conversion_deadline,
        conversions.converted_on,
        conversions.converted_on is not null as is_converted
    from ended_trials
    left join conversions
        on ended_trials.subscription_id = conversions.subscription_id
            and ended_trials.valid_from = conversions.valid_from
)

select * from final
