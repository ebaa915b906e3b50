{# grain: one row per month per segment, including segment = 'all' (every spine month x segment) #}
{#- Revenue retention (docs/metrics.md, Revenue): the summed MRR movements at constant currency with
    the FX impact apart, the involuntary churned MRR, the quick ratio (new + reactivation +
    expansion) / (contraction + churned), ARR, gross and net revenue churn, GRR and NRR of the
    month (at constant currency, as they read the movements), the 12-month cohort NRR and GRR
    (GitLab's method: customers active in m-12, their MRR in m against their MRR in m-12; null
    where m-12 precedes the spine), and ARPA. Every rate is null when its denominator is 0. -#}
with

aggregated as (select * from {{ ref('int_mrr_movements_aggregated') }}),
customer_months as (select * from {{ ref('int_customer_months_mrr') }}),
months as (select * from {{ ref('int_months_spine') }}),

cohort_members as (
    select
        customer_months.customer_id,
        customer_months.segment,
        customer_months.mrr as cohort_mrr,
        cast({{ dbt.dateadd('month', 12, 'customer_months.month') }} as date) as month
    from customer_months
),

cohort_members_now as (
    select
        cohort_members.month,
        cohort_members.segment,
        cohort_members.cohort_mrr,
        coalesce(customer_months.mrr, 0) as current_mrr
    from cohort_members
    inner join months on cohort_members.month = months.month
    left join customer_months
        on
            cohort_members.customer_id = customer_months.customer_id
            and cohort_members.month = customer_months.month
),

cohort_segment_sums as (
    select
        month,
        segment,
        sum(cohort_mrr) as cohort_mrr,
        sum(current_mrr) as current_mrr,
        sum(case when current_mrr < cohort_mrr then current_mrr else cohort_mrr end) as retained_mrr
    from cohort_members_now
    group by month, segment
),

cohort_all_sums as (
    select
        month,
        'all' as segment,
        sum(cohort_mrr) as cohort_mrr,
        sum(current_mrr) as current_mrr,
        sum(retained_mrr) as retained_mrr
    from cohort_segment_sums
    group by month
),

cohort_sums as (
    select * from cohort_segment_sums
    union all
    select * from cohort_all_sums
),

final as (
    select
        aggregated.month,
        aggregated.segment,
        aggregated.starting_mrr,
        aggregated.ending_mrr,
        aggregated.new_mrr,
        aggregated.reactivation_mrr,
        aggregated.expansion_mrr,
        aggregated.contraction_mrr,
        aggregated.churned_mrr,
        aggregated.fx_impact_mrr,
        aggregated.churned_mrr_involuntary,
        {{ cs_safe_divide(
            'aggregated.new_mrr + aggregated.reactivation_mrr + aggregated.expansion_mrr',
            'aggregated.contraction_mrr + aggregated.churned_mrr'
        ) }} as quick_ratio,
        cast(aggregated.ending_mrr * 12 as decimal(18, 2)) as arr,
        {{ cs_safe_divide('aggregated.churned_mrr + aggregated.contraction_mrr', 'aggregated.starting_mrr') }}
            as gross_revenue_churn_rate,
        {{ cs_safe_divide(
            'aggregated.churned_mrr + aggregated.contraction_mrr - aggregated.expansion_mrr',
            'aggregated.starting_mrr'
        ) }} as net_revenue_churn_rate,
        {{ cs_safe_divide(
            'aggregated.starting_mrr - aggregated.churned_mrr - aggregated.contraction_mrr',
            'aggregated.starting_mrr'
        ) }} as grr,
        {{ cs_safe_divide(
            'aggregated.starting_mrr + aggregated.expansion_mrr - aggregated.contraction_mrr'
            ~ ' - aggregated.churned_mrr',
            'aggregated.starting_mrr'
        ) }} as nrr,
        case
            when aggregated.month_number > 12
                then {{ cs_safe_divide('cohort_sums.current_mrr', 'cohort_sums.cohort_mrr') }}
        end as nrr_12m,
        case
            when aggregated.month_number > 12
                then {{ cs_safe_divide('cohort_sums.retained_mrr', 'cohort_sums.cohort_mrr') }}
        end as grr_12m,
        {{ cs_safe_divide('aggregated.ending_mrr', 'aggregated.customers_end') }} as arpa,
        aggregated.customers_end
    from aggregated
    left join cohort_sums
        on
            aggregated.month = cohort_sums.month
            and aggregated.segment = cohort_sums.segment
)

select * from final
