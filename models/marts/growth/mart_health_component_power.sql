{# grain: one row per health component #}
{#- Which health signals predict churn on this data? Over every back-test account-month
    (int_customer_months_health_backtested, pooled across months), per component: its own ROC
    AUC against churn within three months, how often it is the main risk factor and how many of
    those accounts churned, its configured weight (share of the health_weight_* vars) and a
    suggested weight, max(auc - 0.5, 0) normalised over the components (docs/health-backtest.md).
    The suggested weights are null when no component beats chance. -#}
{%- set components = cs_health_components() -%}
{%- set total_weight = components | sum(attribute='weight') -%}
with

labelled as (select * from {{ ref('int_customer_months_health_backtested') }}),

component_scores as (
    {%- for component in components %}
    select
        '{{ component.name }}' as component,
        {{ component.name }}_score as score,
        main_risk_factor = '{{ component.name }}' as is_main_risk_factor,
        is_churned_within_3m
    from labelled
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
),

ranked as (
    select
        component,
        score,
        is_main_risk_factor,
        is_churned_within_3m,
        {{ cs_doubled_mid_rank('score', 'component') }} as doubled_mid_rank
    from component_scores
),

counted as (
    select
        component,
        count(*) as account_months,
        sum(case when is_churned_within_3m then 1 else 0 end) as churned_within_3m,
        sum(case when is_churned_within_3m then 0 else 1 end) as retained,
        sum(case when is_churned_within_3m then 0 else doubled_mid_rank end) as retained_doubled_rank_sum,
        sum(case when is_main_risk_factor then 1 else 0 end) as risk_factor_accounts,
        sum(case when is_main_risk_factor and is_churned_within_3m then 1 else 0 end) as risk_factor_churned
    from ranked
    group by component
),

components as (
    {%- for component in components %}
    select
        '{{ component.name }}' as component,
        {{ loop.index }} as component_order,
        cast({{ component.weight }} as double) / {{ total_weight }} as configured_weight
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
),

measured as (
    select
        components.component,
        components.component_order,
        components.configured_weight,
        coalesce(counted.account_months, 0) as account_months,
        coalesce(counted.churned_within_3m, 0) as churned_within_3m,
        coalesce(counted.retained, 0) as retained,
        coalesce(counted.retained_doubled_rank_sum, 0) as retained_doubled_rank_sum,
        {{ cs_rank_auc('counted.retained_doubled_rank_sum', 'counted.churned_within_3m', 'counted.retained') }}
            as auc,
        coalesce(counted.risk_factor_accounts, 0) as risk_factor_accounts,
        coalesce(counted.risk_factor_churned, 0) as risk_factor_churned
    from components
    left join counted
        on components.component = counted.component
),

edged as (
    select
        *,
        -- 2 x churned x retained x (auc - 0.5), an exact integer with the same denominator for
        -- every component (one population); no better than chance, or no auc, gets nothing
        case
            when churned_within_3m > 0 and retained > 0
                then greatest(
                    retained_doubled_rank_sum - retained * (retained + 1) - churned_within_3m * retained, 0
                )
            else 0
        end as auc_edge
    from measured
),

edge_totals as (
    select sum(auc_edge) as total_auc_edge
    from edged
),

final as (
    select
        cast(edged.component as string) as component,
        cast(edged.component_order as bigint) as component_order,
        cast(edged.account_months as bigint) as account_months,
        cast(edged.churned_within_3m as bigint) as churned_within_3m,
        cast(edged.auc as double) as auc,
        cast(edged.risk_factor_accounts as bigint) as risk_factor_accounts,
        cast(edged.risk_factor_churned as bigint) as risk_factor_churned,
        {{ cs_safe_divide('edged.risk_factor_churned', 'edged.risk_factor_accounts') }} as risk_factor_churn_rate,
        cast(edged.configured_weight as double) as configured_weight,
        {{ cs_safe_divide('edged.auc_edge', 'edge_totals.total_auc_edge') }} as suggested_weight
    from edged
    cross join edge_totals
)

select * from final
