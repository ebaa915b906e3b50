{# grain: one row per customer per month where starting_mrr > 0 or ending_mrr > 0 #}
{#- Public MRR movements per customer and month (metrics.md, Revenue), published from
    int_mrr_movements. -#}
{{ config(
    materialized='incremental',
    incremental_strategy=cs_incremental_strategy(),
    unique_key=['customer_id', 'month'],
    pre_hook="{{ cs_delete_recomputed('month') }}",
    on_schema_change='fail',
) }}
-- depends_on: {{ ref('int_incremental_window_resolved') }}
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
        movement
    from movements
    {% if is_incremental() %}where month >= {{ cs_recompute_from_month() }}{% endif %}
)

select * from final
