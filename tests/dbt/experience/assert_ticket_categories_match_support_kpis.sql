{# grain: one row per month where the ticket categories disagree with the support KPIs #}
{#- Per month, the categories' tickets created and resolved add up to the month's tickets of
    mart_support_kpis (segment 'all') and their shares to 1 (0 in a month without tickets). -#}
with

support_kpis as (
    select * from {{ ref('mart_support_kpis') }}
    where segment = 'all'
),

categories as (select * from {{ ref('mart_ticket_categories') }}),

category_totals as (
    select
        month,
        sum(tickets_created) as tickets_created,
        sum(tickets_resolved) as tickets_resolved,
        sum(coalesce(share_of_tickets, 0)) as share_total
    from categories
    group by month
),

compared as (
    select
        support_kpis.month,
        support_kpis.tickets_created,
        category_totals.tickets_created as category_tickets_created,
        support_kpis.tickets_resolved,
        category_totals.tickets_resolved as category_tickets_resolved,
        category_totals.share_total
    from support_kpis
    left join category_totals on support_kpis.month = category_totals.month
),

final as (
    select *
    from compared
    where
        coalesce(category_tickets_created, 0) <> tickets_created
        or coalesce(category_tickets_resolved, 0) <> tickets_resolved
        or (tickets_created > 0 and abs(share_total - 1) > 0.000001)
        or (tickets_created = 0 and share_total <> 0)
)

select * from final
