{# grain: one row per month of the spine #}
{#- Trials ended in m (trial versions whose valid_to falls in m, on or before as_of_date), how
    many of them converted to a paid version of the same subscription within
    var trial_conversion_days, and the rate (null when no trial ended). -#}
with

months as (select * from {{ ref('int_months_spine') }}),
trials as (select * from {{ ref('int_trials_converted') }}),

trials_by_month as (
    select
        ended_month as month,
        count(*) as trials_ended,
        sum(case when is_converted then 1 else 0 end) as trials_converted
    from trials
    group by ended_month
),

final as (
    select
        months.month,
        cast(coalesce(trials_by_month.trials_ended, 0) as bigint) as trials_ended,
        cast(coalesce(trials_by_month.trials_converted, 0) as bigint) as trials_converted,
        {{ cs_safe_divide('trials_by_month.trials_converted', 'trials_by_month.trials_ended') }}
            as trial_to_paid_rate
    from months
    left join trials_by_month
        on months.month = trials_by_month.month
)

select * from final
