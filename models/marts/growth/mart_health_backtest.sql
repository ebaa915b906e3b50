{# grain: one row per back-test month per health band, including health_band = 'all' #}
{#- Does the health score predict churn? For every back-test month (int_customer_months_health_backtested)
    and band: the accounts, those that churned within the next three months, their churn rate,
    its lift over the whole base, and on the 'all' rows the ROC AUC of the score against that
    churn (docs/health-backtest.md). A band without accounts in a month is a row of zeros with
    null rates. -#}
with

labelled as (select * from {{ ref('int_customer_months_health_backtested') }}),

backtest_months as (
    select distinct month
    from labelled
),

bands as (
    {%- for band in ['green', 'yellow', 'red', 'all'] %}
    select '{{ band }}' as health_band{% if not loop.last %}
    union all{% endif %}
    {%- endfor %}
),

month_bands as (
    select
        backtest_months.month,
        bands.health_band
    from backtest_months
    cross join bands
),

labelled_by_band as (
    select month, health_band, is_churned_within_3m
    from labelled
    union all
    select month, 'all' as health_band, is_churned_within_3m
    from labelled
),

counted as (
    select
        month,
        health_band,
        count(*) as accounts,
        sum(case when is_churned_within_3m then 1 else 0 end) as churned_within_3m
    from labelled_by_band
    group by month, health_band
),

ranked as (
    select
        month,
        is_churned_within_3m,
        {{ cs_doubled_mid_rank('health_score', 'month') }} as doubled_mid_rank
    from labelled
),

rank_sums as (
    select
        month,
        sum(case when is_churned_within_3m then 0 else doubled_mid_rank end) as retained_doubled_rank_sum,
        sum(case when is_churned_within_3m then 1 else 0 end) as churned,
        sum(case when is_churned_within_3m then 0 else 1 end) as retained
    from ranked
    group by month
),

month_aucs as (
    select
        month,
        {{ cs_rank_auc('retained_doubled_rank_sum', 'churned', 'retained') }} as auc
    from rank_sums
),

filled as (
    select
        month_bands.month,
        month_bands.health_band,
        coalesce(counted.accounts, 0) as accounts,
        coalesce(counted.churned_within_3m, 0) as churned_within_3m
    from month_bands
    left join counted
        on month_bands.month = counted.month
            and month_bands.health_band = counted.health_band
),

with_base as (
    select
        filled.month,
        filled.health_band,
        filled.accounts,
        filled.churned_within_3m,
        base.accounts as base_accounts,
        base.churned_within_3m as base_churned_within_3m
    from filled
    inner join filled as base
        on filled.month = base.month
            and base.health_band = 'all'
),

final as (
    select
        cast(with_base.month as date) as month,
        cast(with_base.health_band as string) as health_band,
        cast(with_base.accounts as bigint) as accounts,
        cast(with_base.churned_within_3m as bigint) as churned_within_3m,
        {{ cs_safe_divide('with_base.churned_within_3m', 'with_base.accounts') }} as churn_rate_3m,
        -- (churned / accounts) / (base churned / base accounts), in one division
        {{ cs_safe_divide(
            'with_base.churned_within_3m * with_base.base_accounts',
            'with_base.accounts * with_base.base_churned_within_3m'
        ) }} as lift,
        cast(case when with_base.health_band = 'all' then month_aucs.auc end as double) as auc
    from with_base
    left join month_aucs
        on with_base.month = month_aucs.month
)

select * from final
