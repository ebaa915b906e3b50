{# grain: one row per expense line of a month on or before the as_of month #}
{#- Customer-success (retention) and acquisition spend in USD at the fx rate of its expense_month
    (docs/metrics.md, Value and cost). Months after the as_of month are left out. -#}
with

as_of as (select * from {{ ref('int_as_of_date') }}),
expenses as (select * from {{ ref('stg_billing__expenses') }}),
fx_rates as (select * from {{ ref('int_fx_rates_ranged') }}),

in_scope as (
    select expenses.*
    from expenses
    cross join as_of
    where expenses.expense_month <= as_of.as_of_month
),

converted as (
    select
        in_scope.*,
        fx_rates.usd_per_unit,
        cast(in_scope.amount as decimal(38, 6)) * fx_rates.usd_per_unit as amount_usd
    from in_scope
    inner join fx_rates
        on
            in_scope.currency = fx_rates.currency
            and in_scope.expense_month >= fx_rates.valid_from
            and in_scope.expense_month < fx_rates.valid_to
)

select * from converted
