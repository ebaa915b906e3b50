{# grain: one row per month x column where segment 'all' differs from the sum of the segments #}
{#- In every month x segment revenue mart, the 'all' row equals the sum of the segment rows for
    every additive column (MRR sums, ARR, logo counts). -#}
with

revenue_retention as (select * from {{ ref('mart_revenue_retention') }}),
logo_churn as (select * from {{ ref('mart_logo_churn') }}),
unit_economics as (select * from {{ ref('mart_unit_economics') }}),

additive as (
    select
        revenue_retention.month,
        revenue_retention.segment,
        revenue_retention.starting_mrr,
        revenue_retention.ending_mrr,
        revenue_retention.new_mrr,
        revenue_retention.reactivation_mrr,
        revenue_retention.expansion_mrr,
        revenue_retention.contraction_mrr,
        revenue_retention.churned_mrr,
        revenue_retention.arr,
        revenue_retention.customers_end,
        logo_churn.customers_start,
        logo_churn.customers_new,
        logo_churn.customers_reactivated,
        logo_churn.customers_churned,
        logo_churn.customers_end as logo_customers_end,
        unit_economics.customers_new as unit_customers_new,
        unit_economics.paid_invoices_to_date,
        unit_economics.customer_months_to_date
    from revenue_retention
    inner join logo_churn
        on
            revenue_retention.month = logo_churn.month
            and revenue_retention.segment = logo_churn.segment
    inner join unit_economics
        on
            revenue_retention.month = unit_economics.month
            and revenue_retention.segment = unit_economics.segment
),

{%- set columns = ['starting_mrr', 'ending_mrr', 'new_mrr', 'reactivation_mrr', 'expansion_mrr',
    'contraction_mrr', 'churned_mrr', 'arr', 'customers_end', 'customers_start', 'customers_new',
    'customers_reactivated', 'customers_churned', 'logo_customers_end', 'unit_customers_new',
    'paid_invoices_to_date', 'customer_months_to_date'] %}

compared as (
    select
        month,
        {% for column in columns -%}
        sum(case when segment = 'all' then {{ column }} else 0 end) as all_{{ column }},
        sum(case when segment <> 'all' then {{ column }} else 0 end) as segments_{{ column }}
        {%- if not loop.last %},{% endif %}
        {% endfor %}
    from additive
    group by month
)

select * from compared
where
    {% for column in columns -%}
    all_{{ column }} <> segments_{{ column }}
    {%- if not loop.last %}
    or {% endif %}
    {%- endfor %}
