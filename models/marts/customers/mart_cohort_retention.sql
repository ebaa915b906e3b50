{# grain: one row per cohort month per months since start per segment, including 'all' #}
{#- Signup cohort retention (docs/metrics.md, Cohorts). A customer's cohort month is the month of
    its new movement (its first active month). Every spine month is a cohort month of every
    segment (cs_segments() and 'all'), followed from k = 0 to the as-of month: an empty cohort is a
    row of zeros with null rates. Retention compares the cohort's customers in month
    (cohort_month + k) with themselves in the cohort month: logo retention counts the active ones;
    net MRR retention sums their MRR; gross MRR retention caps each customer at its cohort-month
    MRR, so expansion never hides losses. -#}
with

cohort_segments as (select * from {{ ref('int_month_segments') }}),
months as (select * from {{ ref('int_months_spine') }}),
movements as (select * from {{ ref('int_mrr_movements') }}),
customer_months as (select * from {{ ref('int_customer_months_mrr') }}),

cohort_customers as (
    select
        customer_id,
        segment,
        month as cohort_month,
        ending_mrr as cohort_customer_mrr
    from movements
    where movement = 'new'
),

cohort_customers_with_all as (
    {{ cs_with_segment_all('cohort_customers') }}
),

cohort_sizes as (
    select
        cohort_month,
        report_segment as segment,
        count(*) as customers_cohort,
        sum(cohort_customer_mrr) as cohort_mrr
    from cohort_customers_with_all
    group by cohort_month, report_segment
),

cohort_customer_months as (
    select
        cohort_customers_with_all.cohort_month,
        cohort_customers_with_all.report_segment as segment,
        customer_months.month,
        customer_months.mrr,
        least(customer_months.mrr, cohort_customers_with_all.cohort_customer_mrr) as capped_mrr
    from cohort_customers_with_all
    inner join customer_months
        on
            cohort_customers_with_all.customer_id = customer_months.customer_id
            and cohort_customers_with_all.cohort_month <= customer_months.month
),

cohort_activity as (
    select
        cohort_month,
        segment,
        month,
        count(*) as customers_active,
        sum(mrr) as mrr,
        sum(capped_mrr) as capped_mrr
    from cohort_customer_months
    group by cohort_month, segment, month
),

cohort_grid as (
    select
        cohort_segments.month as cohort_month,
        cohort_segments.segment,
        months.month,
        months.month_number - cohort_segments.month_number as months_since_start
    from cohort_segments
    inner join months on cohort_segments.month <= months.month
),

final as (
    select
        cohort_grid.cohort_month,
        cast(cohort_grid.months_since_start as integer) as months_since_start,
        cohort_grid.segment,
        cohort_grid.month,
        cast(coalesce(cohort_sizes.customers_cohort, 0) as bigint) as customers_cohort,
        cast(coalesce(cohort_activity.customers_active, 0) as bigint) as customers_active,
        {{ cs_safe_divide('coalesce(cohort_activity.customers_active, 0)', 'cohort_sizes.customers_cohort') }}
            as logo_retention,
        cast(coalesce(cohort_sizes.cohort_mrr, 0) as decimal(18, 2)) as cohort_mrr,
        cast(coalesce(cohort_activity.mrr, 0) as decimal(18, 2)) as mrr,
        {{ cs_safe_divide('coalesce(cohort_activity.mrr, 0)', 'cohort_sizes.cohort_mrr') }}
            as net_mrr_retention,
        {{ cs_safe_divide('coalesce(cohort_activity.capped_mrr, 0)', 'cohort_sizes.cohort_mrr') }}
            as gross_mrr_retention
    from cohort_grid
    left join cohort_sizes
        on
            cohort_grid.cohort_month = cohort_sizes.cohort_month
            and cohort_grid.segment = cohort_sizes.segment
    left join cohort_activity
        on
            cohort_grid.cohort_month = cohort_activity.cohort_month
            and cohort_grid.segment = cohort_activity.segment
            and cohort_grid.month = cohort_activity.month
)

select * from final
