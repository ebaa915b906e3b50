{# grain: one row per customer per month where starting_mrr > 0 or ending_mrr > 0 #}
{#- Public MRR movements per customer and month (docs/metrics.md, Revenue), published from
    int_mrr_movements. -#}
{{ cs_incremental_recompute_config(['customer_id', 'month'], 'month') }}
with

movements as (select * from {{ ref('int_mrr_movements') }}),

final as (
    select
        month,
        customer_id,
        segment,
        starting_mrr,
        ending_mrr,
        new_mrr,
        reactivation_mrr,
        expansion_mrr,
        contraction_mrr,
        churned_mrr,
        fx_impact_mrr,
        movement
    from movements
    {% if is_incremental() %}where month >= {{ cs_recompute_from_month() }}{% endif %}
)

select * from final
{{ cs_recomputed_order('month') }}
