{# grain: one row per month per segment, including segment = 'all' (every spine month x segment) #}
{#- The MRR movements and logo counts of every month x segment, summed from int_mrr_movements:
    the shared base of mart_revenue_retention, mart_logo_churn and mart_unit_economics, with the
    involuntary churns of int_churns_classified. A month or segment without movements is a row of
    zeros; 'all' is the sum of the segments. -#}
with

month_segments as (select * from {{ ref('int_month_segments') }}),
movements as (select * from {{ ref('int_mrr_movements') }}),
churns as (select * from {{ ref('int_churns_classified') }}),

involuntary_churn_sums as (
    select
        month,
        segment,
        count(*) as customers_churned_involuntary,
        sum(churned_mrr) as churned_mrr_involuntary
    from churns
    where is_involuntary
    group by month, segment
),

segment_sums as (
    select
        month,
        segment,
        sum(starting_mrr) as starting_mrr,
        sum(ending_mrr) as ending_mrr,
        sum(new_mrr) as new_mrr,
        sum(reactivation_mrr) as reactivation_mrr,
        sum(expansion_mrr) as expansion_mrr,
        sum(contraction_mrr) as contraction_mrr,
        sum(churned_mrr) as churned_mrr,
        sum(fx_impact_mrr) as fx_impact_mrr,
        sum(case when starting_mrr > 0 then 1 else 0 end) as customers_start,
        sum(case when movement = 'new' then 1 else 0 end) as customers_new,
        sum(case when movement = 'reactivation' then 1 else 0 end) as customers_reactivated,
        sum(case when movement = 'churn' then 1 else 0 end) as customers_churned,
        sum(case when ending_mrr > 0 then 1 else 0 end) as customers_end
    from movements
    group by month, segment
),

segment_sums_with_churns as (
    select
        segment_sums.*,
        coalesce(involuntary_churn_sums.churned_mrr_involuntary, 0) as churned_mrr_involuntary,
        coalesce(involuntary_churn_sums.customers_churned_involuntary, 0) as customers_churned_involuntary
    from segment_sums
    left join involuntary_churn_sums
        on
            segment_sums.month = involuntary_churn_sums.month
            and segment_sums.segment = involuntary_churn_sums.segment
),

all_sums as (
    select
        month,
        'all' as segment,
        sum(starting_mrr) as starting_mrr,
        sum(ending_mrr) as ending_mrr,
        sum(new_mrr) as new_mrr,
        sum(reactivation_mrr) as reactivation_mrr,
        sum(expansion_mrr) as expansion_mrr,
        sum(contraction_mrr) as contraction_mrr,
        sum(churned_mrr) as churned_mrr,
        sum(fx_impact_mrr) as fx_impact_mrr,
        sum(customers_start) as customers_start,
        sum(customers_new) as customers_new,
        sum(customers_reactivated) as customers_reactivated,
        sum(customers_churned) as customers_churned,
        sum(customers_end) as customers_end,
        sum(churned_mrr_involuntary) as churned_mrr_involuntary,
        sum(customers_churned_involuntary) as customers_churned_involuntary
    from segment_sums_with_churns
    group by month
),

sums as (
    select * from segment_sums_with_churns
    union all
    select * from all_sums
),

final as (
    select
        month_segments.month,
        month_segments.month_number,
        month_segments.segment,
        cast(coalesce(sums.starting_mrr, 0) as decimal(18, 2)) as starting_mrr,
        cast(coalesce(sums.ending_mrr, 0) as decimal(18, 2)) as ending_mrr,
        cast(coalesce(sums.new_mrr, 0) as decimal(18, 2)) as new_mrr,
        cast(coalesce(sums.reactivation_mrr, 0) as decimal(18, 2)) as reactivation_mrr,
        cast(coalesce(sums.expansion_mrr, 0) as decimal(18, 2)) as expansion_mrr,
        cast(coalesce(sums.contraction_mrr, 0) as decimal(18, 2)) as contraction_mrr,
        cast(coalesce(sums.churned_mrr, 0) as decimal(18, 2)) as churned_mrr,
        cast(coalesce(sums.fx_impact_mrr, 0) as decimal(18, 2)) as fx_impact_mrr,
        cast(coalesce(sums.churned_mrr_involuntary, 0) as decimal(18, 2)) as churned_mrr_involuntary,
        cast(coalesce(sums.customers_start, 0) as bigint) as customers_start,
        cast(coalesce(sums.customers_new, 0) as bigint) as customers_new,
        cast(coalesce(sums.customers_reactivated, 0) as bigint) as customers_reactivated,
        cast(coalesce(sums.customers_churned, 0) as bigint) as customers_churned,
        cast(coalesce(sums.customers_end, 0) as bigint) as customers_end,
        cast(coalesce(sums.customers_churned_involuntary, 0) as bigint) as customers_churned_involuntary
    from month_segments
    left join sums
        on
            month_segments.month = sums.month
            and month_segments.segment = sums.segment
)

select * from final
