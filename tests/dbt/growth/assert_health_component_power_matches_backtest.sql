{#- Component power pools the back-test: its population is the back-test's 'all' accounts summed
    over the months, its churned rows their churned ones; the configured weights add up to 1, and
    the suggested weights too unless all are null. Returns one row when something disagrees. -#}
with

power as (select * from {{ ref('mart_health_component_power') }}),
backtest as (select * from {{ ref('mart_health_backtest') }}),

backtest_totals as (
    select
        coalesce(sum(accounts), 0) as accounts,
        coalesce(sum(churned_within_3m), 0) as churned_within_3m
    from backtest
    where health_band = 'all'
),

power_totals as (
    select
        count(*) as components,
        min(account_months) as min_account_months,
        max(account_months) as max_account_months,
        min(churned_within_3m) as min_churned_within_3m,
        max(churned_within_3m) as max_churned_within_3m,
        sum(configured_weight) as configured_weight_total,
        sum(suggested_weight) as suggested_weight_total,
        count(suggested_weight) as suggested_weights
    from power
),

compared as (
    select
        power_totals.*,
        backtest_totals.accounts as backtest_accounts,
        backtest_totals.churned_within_3m as backtest_churned_within_3m
    from power_totals
    cross join backtest_totals
)

select * from compared
where
    min_account_months <> backtest_accounts
    or max_account_months <> backtest_accounts
    or min_churned_within_3m <> backtest_churned_within_3m
    or max_churned_within_3m <> backtest_churned_within_3m
    or abs(configured_weight_total - 1) > 1e-9
    or suggested_weights not in (0, components)
    or (suggested_weights > 0 and abs(suggested_weight_total - 1) > 1e-9)
