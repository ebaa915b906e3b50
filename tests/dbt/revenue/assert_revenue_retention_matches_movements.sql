{# grain: one row per month x segment where mart_revenue_retention disagrees with the movements #}
{#- Every month and segment ('all': the whole base) of mart_revenue_retention holds the sums of
    fct_mrr_movements, its ending_mrr is also the sum of the customers' MRR in
    int_customer_months_mrr, and customers_end counts the customers with ending MRR > 0. -#}
with

movements as (select * from {{ ref('fct_mrr_movements') }}),
customer_months as (select * from {{ ref('int_customer_months_mrr') }}),
revenue_retention as (select * from {{ ref('mart_revenue_retention') }}),

movements_by_segment as (
    {{ cs_with_segment_all('movements') }}
),

customer_months_by_segment as (
    {{ cs_with_segment_all('customer_months') }}
),

movement_sums as (
    select
        month,
        report_segment as segment,
        sum(starting_mrr) as starting_mrr,
        sum(ending_mrr) as ending_mrr,
        sum(new_mrr) as new_mrr,
        sum(reactivation_mrr) as reactivation_mrr,
        sum(expansion_mrr) as expansion_mrr,
        sum(contraction_mrr) as contraction_mrr,
        sum(churned_mrr) as churned_mrr,
        sum(fx_impact_mrr) as fx_impact_mrr,
        sum(case when ending_mrr > 0 then 1 else 0 end) as customers_end
    from movements_by_segment
    group by month, report_segment
),

mrr_sums as (
    select
        month,
        report_segment as segment,
        sum(mrr) as mrr
    from customer_months_by_segment
    group by month, report_segment
),

final as (
    select
        revenue_retention.month,
        revenue_retention.segment,
        revenue_retention.ending_mrr,
        coalesce(mrr_sums.mrr, 0) as customer_mrr
    from revenue_retention
    left join movement_sums
        on
            revenue_retention.month = movement_sums.month
            and revenue_retention.segment = movement_sums.segment
    left join mrr_sums
        on
            revenue_retention.month = mrr_sums.month
            and revenue_retention.segment = mrr_sums.segment
    where
        revenue_retention.starting_mrr <> coalesce(movement_sums.starting_mrr, 0)
        or revenue_retention.ending_mrr <> coalesce(movement_sums.ending_mrr, 0)
        or revenue_retention.ending_mrr <> coalesce(mrr_sums.mrr, 0)
        or revenue_retention.new_mrr <> coalesce(movement_sums.new_mrr, 0)
        or revenue_retention.reactivation_mrr <> coalesce(movement_sums.reactivation_mrr, 0)
        or revenue_retention.expansion_mrr <> coalesce(movement_sums.expansion_mrr, 0)
        or revenue_retention.contraction_mrr <> coalesce(movement_sums.contraction_mrr, 0)
        or revenue_retention.churned_mrr <> coalesce(movement_sums.churned_mrr, 0)
        or revenue_retention.fx_impact_mrr <> coalesce(movement_sums.fx_impact_mrr, 0)
        or revenue_retention.customers_end <> coalesce(movement_sums.customers_end, 0)
)

select * from final
