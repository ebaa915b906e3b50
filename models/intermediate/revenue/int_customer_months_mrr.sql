{# grain: one row per customer per spine month in which the customer's MRR is > 0 #}
{#- MRR of a customer in month m (docs/metrics.md, Revenue): the non-trial subscription versions in
    force on the snapshot date s(m) (valid_from <= s(m) < valid_to, open valid_to = forever), each
    adding recurring_amount / interval_months in USD at the fx rate of s(m); the sum per customer
    is rounded to cents, half away from zero. s(m) <= as_of_date, so versions starting after
    as_of_date never count.
    Exact arithmetic: DuckDB turns every decimal division into a double, so the division by the
    interval is kept for last. Each version adds recurring_amount x rate x (12 / interval_months)
    (12, 4 or 1: exact decimals) and the customer's sum is divided by 12 once, to exact cents
    (macros/cs_annualised_to_cents.sql; amounts >= 0 and rates > 0 by the raw contract).
    mrr_at_prev_rates (constant currency, docs/metrics.md): the same versions, each at the rate of
    s(m-1) instead, summed and rounded the same way. s(m-1) is the day before m, as as_of_date
    never falls before the as-of month. The rates of both dates are looked up once per month and
    currency (month_rates), and the sum at s(m-1) is the sum at s(m) minus the rate moves of the
    versions whose rate changed (exact decimals), so a USD-only or stable-rate customer costs no
    second sum. -#}
{{ cs_incremental_recompute_config(['customer_id', 'month'], 'month') }}
with

months as (select * from {{ ref('int_months_spine') }}),
subscriptions as (select * from {{ ref('stg_billing__subscriptions') }}),
customers as (select * from {{ ref('stg_billing__customers') }}),
fx_rates as (select * from {{ ref('int_fx_rates_ranged') }}),

paid_versions as (
    select
        customer_id,
        valid_from,
        valid_to,
        currency,
        cast(recurring_amount as decimal(38, 6))
        * case billing_interval when 'month' then 12 when 'quarter' then 4 when 'year' then 1 end
            as annualised_amount
    from subscriptions
    where not is_trial
),

month_rates as (
    select
        months.month,
        fx_rates.currency,
        fx_rates.usd_per_unit,
        fx_rates.usd_per_unit - previous_fx_rates.usd_per_unit as rate_change_since_previous
    from months
    inner join fx_rates
        on
            months.snapshot_date >= fx_rates.valid_from
            and months.snapshot_date < fx_rates.valid_to
    inner join fx_rates as previous_fx_rates
        on
            fx_rates.currency = previous_fx_rates.currency
            and cast({{ dbt.dateadd('day', -1, 'months.month') }} as date) >= previous_fx_rates.valid_from
            and cast({{ dbt.dateadd('day', -1, 'months.month') }} as date) < previous_fx_rates.valid_to
),

versions_in_force as (
    select
        paid_versions.customer_id,
        months.month,
        month_rates.rate_change_since_previous,
        paid_versions.annualised_amount * month_rates.usd_per_unit as annualised_usd,
        paid_versions.annualised_amount * month_rates.rate_change_since_previous as annualised_rate_move
    from paid_versions
    inner join months
        on
            paid_versions.valid_from <= months.snapshot_date
            {% if is_incremental() %}and months.month >= {{ cs_recompute_from_month() }}{% endif %}
            and (paid_versions.valid_to is null or paid_versions.valid_to > months.snapshot_date)
    inner join month_rates
        on
            months.month = month_rates.month
            and paid_versions.currency = month_rates.currency
),

customer_months as (
    select
        customer_id,
        month,
        cast(sum(annualised_usd) as decimal(38, 16)) as annualised_usd
    from versions_in_force
    group by customer_id, month
),

-- only the versions whose rate moved since s(m-1): the others are worth the same at both rates
customer_months_rate_moves as (
    select
        customer_id,
        month,
        cast(sum(annualised_rate_move) as decimal(38, 16)) as annualised_rate_move
    from versions_in_force
    where rate_change_since_previous <> 0
    group by customer_id, month
),

approximated as (
    select
        customer_months.customer_id,
        customer_months.month,
        customer_months.annualised_usd,
        customer_months.annualised_usd - customer_months_rate_moves.annualised_rate_move
            as annualised_usd_at_prev_rates,
        {{ cs_cents_approximation('customer_months.annualised_usd') }} as approx_mrr,
        {{ cs_cents_approximation(
            'customer_months.annualised_usd - customer_months_rate_moves.annualised_rate_move'
        ) }} as approx_mrr_at_prev_rates
    from customer_months
    left join customer_months_rate_moves
        on
            customer_months.customer_id = customer_months_rate_moves.customer_id
            and customer_months.month = customer_months_rate_moves.month
),

rounded as (
    select
        customer_id,
        month,
        {{ cs_cents_corrected('annualised_usd', 'approx_mrr') }} as mrr,
        -- null when no rate moved: then it equals mrr
        {{ cs_cents_corrected('annualised_usd_at_prev_rates', 'approx_mrr_at_prev_rates') }}
            as mrr_at_prev_rates
    from approximated
),

final as (
    select
        rounded.customer_id,
        customers.segment,
        rounded.month,
        cast(rounded.mrr as decimal(18, 2)) as mrr,
        cast(coalesce(rounded.mrr_at_prev_rates, rounded.mrr) as decimal(18, 2)) as mrr_at_prev_rates
    from rounded
    inner join customers on rounded.customer_id = customers.customer_id
    where rounded.mrr > 0
)

select * from final
{{ cs_recomputed_order('month') }}
