{#- The summary counts exactly the accounts and MRR of mart_customer_health per month and segment,
    and 'all' is the whole base. Returns the month x segment rows that disagree. -#}
with

summary as (select * from {{ ref('mart_health_summary') }}),
health as (select * from {{ ref('mart_customer_health') }}),

health_by_segment as (
    select month, segment, mrr from health
    union all
    select month, 'all' as segment, mrr from health
),

expected as (
    select
        month,
        segment,
        count(*) as accounts,
        sum(mrr) as mrr
    from health_by_segment
    group by month, segment
),

compared as (
    select
        summary.month,
        summary.segment,
        summary.accounts,
        summary.mrr,
        coalesce(expected.accounts, 0) as expected_accounts,
        coalesce(expected.mrr, 0) as expected_mrr
    from summary
    left join expected
        on summary.month = expected.month
            and summary.segment = expected.segment
)

select * from compared
where accounts <> expected_accounts or mrr <> expected_mrr
