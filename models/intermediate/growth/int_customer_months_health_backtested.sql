{# grain: one row per active customer (MRR > 0) per back-test month #}
{#- The population of the health back-test (docs/health-backtest.md): the scored rows of every
    month whose three following months are all on or before the month of as_of_date, each labelled
    with whether the customer has a churn movement in one of those three months. Churn in the
    month itself cannot happen to a scored (active) row; an account that churns and comes back
    within the window still counts as churned. -#}
with

as_of as (select * from {{ ref('int_as_of_date') }}),
scored as (select * from {{ ref('int_customer_months_health_scored') }}),
movements as (select * from {{ ref('int_mrr_movements') }}),

churn_months as (
    select
        customer_id,
        month as churn_month
    from movements
    where movement = 'churn'
),

backtest_months as (
    select scored.*
    from scored
    cross join as_of
    where scored.month <= cast({{ dbt.dateadd('month', -3, 'as_of.as_of_month') }} as date)
),

churned_ahead as (
    select distinct
        backtest_months.customer_id,
        backtest_months.month
    from backtest_months
    inner join churn_months
        on backtest_months.customer_id = churn_months.customer_id
            and backtest_months.month < churn_months.churn_month
            and cast({{ dbt.dateadd('month', 3, 'backtest_months.month') }} as date) >= churn_months.churn_month
),

labelled as (
    select
        backtest_months.month,
        backtest_months.customer_id,
        backtest_months.segment,
        {%- for component in cs_health_components() %}
        backtest_months.{{ component.name }}_score,
        {%- endfor %}
        backtest_months.health_score,
        backtest_months.health_band,
        backtest_months.main_risk_factor,
        churned_ahead.customer_id is not null as is_churned_within_3m
    from backtest_months
    left join churned_ahead
        on backtest_months.customer_id = churned_ahead.customer_id
            and backtest_months.month = churned_ahead.month
)

select * from labelled
