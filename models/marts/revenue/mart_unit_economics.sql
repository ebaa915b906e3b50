{# grain: one row per month per segment, including segment = 'all' (every spine month x segment) #}
{#- Unit economics (docs/metrics.md, Value and cost). churn_rate_12m sums churned and starting logos
    over the months m-11..m of the spine (a window over the dense month grid). CLV = ARPA x gross
    margin / churn_rate_12m; the historical CLV (source document 001) = average paid invoice x invoices per
    active customer-month x expected lifetime x gross margin, both averages cumulative up to the
    end of m. Spend carries no segment: acquisition and retention cost, CAC, CRC and the ratios
    that use them are filled on segment = 'all' rows only, null on the others. -#}
{%- set gross_margin = 'cast(' ~ var('gross_margin') ~ ' as double)' %}
with

aggregated as (select * from {{ ref('int_mrr_movements_aggregated') }}),
invoices as (select * from {{ ref('int_invoices_converted') }}),
expenses as (select * from {{ ref('int_expenses_converted') }}),
months as (select * from {{ ref('int_months_spine') }}),

first_month as (
    select min(month) as month from months
),

paid_invoices as (
    -- paid invoices issued before the first spine month count from that month on
    select
        invoices.segment,
        invoices.amount_usd,
        case
            when invoices.issued_month < first_month.month then first_month.month
            else invoices.issued_month
        end as month
    from invoices
    cross join first_month
    where invoices.invoice_type = 'invoice' and invoices.is_paid
),

invoice_segment_sums as (
    select
        month,
        segment,
        count(*) as paid_invoices,
        sum(amount_usd) as paid_invoices_usd
    from paid_invoices
    group by month, segment
),

invoice_all_sums as (
    select
        month,
        'all' as segment,
        sum(paid_invoices) as paid_invoices,
        sum(paid_invoices_usd) as paid_invoices_usd
    from invoice_segment_sums
    group by month
),

invoice_sums as (
    select * from invoice_segment_sums
    union all
    select * from invoice_all_sums
),

expense_sums as (
    select
        expense_month as month,
        sum(case when cost_type = 'acquisition' then amount_usd else 0 end) as acquisition_cost,
        sum(case when cost_type = 'retention' then amount_usd else 0 end) as retention_cost
    from expenses
    group by expense_month
),

monthly as (
    select
        aggregated.month,
        aggregated.segment,
        aggregated.customers_start,
        aggregated.customers_new,
        aggregated.customers_churned,
        aggregated.customers_end,
        aggregated.ending_mrr,
        coalesce(invoice_sums.paid_invoices, 0) as paid_invoices,
        coalesce(invoice_sums.paid_invoices_usd, 0) as paid_invoices_usd,
        case
            when aggregated.segment = 'all'
                then cast(round(coalesce(expense_sums.acquisition_cost, 0), 2) as decimal(18, 2))
        end as acquisition_cost,
        case
            when aggregated.segment = 'all'
                then cast(round(coalesce(expense_sums.retention_cost, 0), 2) as decimal(18, 2))
        end as retention_cost
    from aggregated
    left join invoice_sums
        on
            aggregated.month = invoice_sums.month
            and aggregated.segment = invoice_sums.segment
    left join expense_sums on aggregated.month = expense_sums.month
),

windowed as (
    select
        *,
        sum(customers_churned) over (
            partition by segment order by month rows between 11 preceding and current row
        ) as customers_churned_12m,
        sum(customers_start) over (
            partition by segment order by month rows between 11 preceding and current row
        ) as customers_start_12m,
        sum(paid_invoices) over (
            partition by segment order by month rows between unbounded preceding and current row
        ) as paid_invoices_to_date,
        sum(paid_invoices_usd) over (
            partition by segment order by month rows between unbounded preceding and current row
        ) as paid_invoices_usd_to_date,
        sum(customers_end) over (
            partition by segment order by month rows between unbounded preceding and current row
        ) as customer_months_to_date
    from monthly
),

rates as (
    select
        *,
        {{ cs_safe_divide('ending_mrr', 'customers_end') }} as arpa,
        {{ gross_margin }} as gross_margin,
        {{ cs_safe_divide('customers_churned_12m', 'customers_start_12m') }} as churn_rate_12m,
        {{ cs_safe_divide('paid_invoices_usd_to_date', 'paid_invoices_to_date') }} as avg_invoice_usd,
        {{ cs_safe_divide('paid_invoices_to_date', 'customer_months_to_date') }} as invoices_per_customer_month,
        {{ cs_safe_divide('acquisition_cost', 'customers_new') }} as cac,
        {{ cs_safe_divide('retention_cost', 'customers_end') }} as crc
    from windowed
),

lifetimes as (
    select
        *,
        {{ cs_safe_divide('arpa * gross_margin', 'churn_rate_12m') }} as clv,
        {{ cs_safe_divide(1, 'churn_rate_12m') }} as expected_lifetime_months
    from rates
),

final as (
    select
        month,
        segment,
        customers_new,
        customers_end,
        arpa,
        gross_margin,
        churn_rate_12m,
        clv,
        avg_invoice_usd,
        invoices_per_customer_month,
        expected_lifetime_months,
        avg_invoice_usd * invoices_per_customer_month * expected_lifetime_months * gross_margin
            as clv_historical,
        acquisition_cost,
        retention_cost,
        cac,
        {{ cs_safe_divide('clv', 'cac') }} as clv_to_cac,
        {{ cs_safe_divide('cac', 'arpa * gross_margin') }} as cac_payback_months,
        crc,
        cast(paid_invoices_to_date as bigint) as paid_invoices_to_date,
        cast(customer_months_to_date as bigint) as customer_months_to_date
    from lifetimes
)

select * from final
