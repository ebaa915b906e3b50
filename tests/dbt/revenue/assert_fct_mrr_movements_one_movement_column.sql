{# grain: one row per fct_mrr_movements row whose amount columns disagree with its movement #}
{#- Exactly one movement amount column is non-zero, the one named by `movement` (none for
    retained), and the movement follows from starting MRR and ending MRR at constant currency
    (ending - fx_impact = this month's versions at last month's rates). -#}
with

movements as (select * from {{ ref('fct_mrr_movements') }}),

checked as (
    select
        *,
        (case when new_mrr <> 0 then 1 else 0 end)
        + (case when reactivation_mrr <> 0 then 1 else 0 end)
        + (case when expansion_mrr <> 0 then 1 else 0 end)
        + (case when contraction_mrr <> 0 then 1 else 0 end)
        + (case when churned_mrr <> 0 then 1 else 0 end) as non_zero_columns,
        case movement
            when 'new' then new_mrr <> 0 and starting_mrr = 0 and ending_mrr > 0
            when 'reactivation' then reactivation_mrr <> 0 and starting_mrr = 0 and ending_mrr > 0
            when 'expansion'
                then expansion_mrr <> 0 and starting_mrr > 0 and ending_mrr > 0
                and ending_mrr - fx_impact_mrr > starting_mrr
            when 'contraction'
                then contraction_mrr <> 0 and starting_mrr > 0 and ending_mrr > 0
                and ending_mrr - fx_impact_mrr < starting_mrr
            when 'churn' then churned_mrr <> 0 and starting_mrr > 0 and ending_mrr = 0
            when 'retained'
                then starting_mrr > 0 and ending_mrr > 0 and ending_mrr - fx_impact_mrr = starting_mrr
            else false
        end as movement_matches
    from movements
)

select * from checked
where
    non_zero_columns <> case when movement = 'retained' then 0 else 1 end
    or not movement_matches
