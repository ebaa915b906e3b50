{# grain: one row per month x segment where mart_logo_churn disagrees with the movements #}
{#- Every month and segment ('all': the whole base) of mart_logo_churn counts the customers of
    fct_mrr_movements: active at the start (starting MRR > 0) and at the end (ending MRR > 0), and
    the new, reactivation and churn movements. -#}
with

movements as (select * from {{ ref('fct_mrr_movements') }}),
logo_churn as (select * from {{ ref('mart_logo_churn') }}),

movements_by_segment as (
    {{ cs_with_segment_all('movements') }}
),

movement_counts as (
    select
        month,
        report_segment as segment,
        sum(case when starting_mrr > 0 then 1 else 0 end) as customers_start,
        sum(case when movement = 'new' then 1 else 0 end) as customers_new,
        sum(case when movement = 'reactivation' then 1 else 0 end) as customers_reactivated,
        sum(case when movement = 'churn' then 1 else 0 end) as customers_churned,
        sum(case when ending_mrr > 0 then 1 else 0 end) as customers_end
    from movements_by_segment
    group by month, report_segment
),

final as (
    select logo_churn.*
    from logo_churn
    left join movement_counts
        on
            logo_churn.month = movement_counts.month
            and logo_churn.segment = movement_counts.segment
    where
        logo_churn.customers_start <> coalesce(movement_counts.customers_start, 0)
        or logo_churn.customers_new <> coalesce(movement_counts.customers_new, 0)
        or logo_churn.customers_reactivated <> coalesce(movement_counts.customers_reactivated, 0)
        or logo_churn.customers_churned <> coalesce(movement_counts.customers_churned, 0)
        or logo_churn.customers_end <> coalesce(movement_counts.customers_end, 0)
)

select * from final
