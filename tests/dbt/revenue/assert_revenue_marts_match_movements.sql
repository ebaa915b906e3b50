{# grain: one row per month x segment where a mart disagrees with the movements it sums #}
{#- mart_revenue_retention and mart_logo_churn equal the sums and counts of fct_mrr_movements
    for every month and segment (the 'all' rows: the whole base), and ending_mrr equals the sum
    of the customers' MRR in int_customer_months_mrr. -#}
with

movements as (select * from {{ ref('fct_mrr_movements') }}),
customer_months as (select * from {{ ref('int_customer_months_mrr') }}),
revenue_retention as (select * from {{ ref('mart_revenue_retention') }}),
logo_churn as (select * from {{ ref('mart_logo_churn') }}),

movement_rows as (
    select month, segment, starting_mrr, ending_mrr, new_mrr, reactivation_mrr, expansion_mrr,
        contraction_mrr, churned_mrr, movement
    from movements
    union all
    select month, 'all' as segment, starting_mrr, ending_mrr, new_mrr, reactivation_mrr,
        expansion_mrr, contraction_mrr, churned_mrr, movement
    from movements
),

movement_sums as (
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
        sum(case when starting_mrr > 0 then 1 else 0 end) as customers_start,
        sum(case when movement = 'new' then 1 else 0 end) as customers_new,
        sum(case when movement = 'reactivation' then 1 else 0 end) as customers_reactivated,
        sum(case when movement = 'churn' then 1 else 0 end) as customers_churned,
        sum(case when ending_mrr > 0 then 1 else 0 end) as customers_end
    from movement_rows
    group by month, segment
),

mrr_rows as (
    select month, segment, mrr from customer_months
    union all
    select month, 'all' as segment, mrr from customer_months
),

mrr_sums as (
    select month, segment, sum(mrr) as mrr
    from mrr_rows
    group by month, segment
),

compared as (
    select
        revenue_retention.month,
        revenue_retention.segment,
        revenue_retention.ending_mrr,
        coalesce(mrr_sums.mrr, 0) as customer_mrr
    from revenue_retention
    inner join logo_churn
        on
            revenue_retention.month = logo_churn.month
            and revenue_retention.segment = logo_churn.segment
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
        or logo_churn.customers_start <> coalesce(movement_sums.customers_start, 0)
        or logo_churn.customers_new <> coalesce(movement_sums.customers_new, 0)
        or logo_churn.customers_reactivated <> coalesce(movement_sums.customers_reactivated, 0)
        or logo_churn.customers_churned <> coalesce(movement_sums.customers_churned, 0)
        or logo_churn.customers_end <> coalesce(movement_sums.customers_end, 0)
        or revenue_retention.customers_end <> logo_churn.customers_end
)

select * from compared
