{# grain: one row per month per ticket category #}
{#- Tickets by issue type: every spine month x every category seen in the tickets created on or
    before as_of_date (a ticket without a category counts under 'uncategorized'). tickets_created
    and avg_severity over tickets created in m, share_of_tickets = the category's share of all
    tickets created in m, resolution_hours_avg over the category's tickets resolved in m. -#}
with

months as (select * from {{ ref('int_months_spine') }}),
tickets as (select * from {{ ref('int_tickets_enriched') }}),

categorised_tickets as (
    select
        tickets.*,
        coalesce(tickets.category, 'uncategorized') as ticket_category
    from tickets
),

categories as (
    select distinct ticket_category as category
    from categorised_tickets
),

grid as (
    select
        months.month,
        categories.category
    from months
    cross join categories
),

created_in_month as (
    select
        created_month as month,
        ticket_category as category,
        count(*) as tickets_created,
        avg(cast(severity as double)) as avg_severity
    from categorised_tickets
    group by created_month, ticket_category
),

resolved_in_month as (
    select
        resolved_month as month,
        ticket_category as category,
        count(*) as tickets_resolved,
        {{ cs_exact_avg("resolution_hours", 3600) }} as resolution_hours_avg
    from categorised_tickets
    where resolved_month is not null
    group by resolved_month, ticket_category
),

month_totals as (
    select
        created_month as month,
        count(*) as month_tickets_created
    from categorised_tickets
    group by created_month
),

final as (
    select
        grid.month,
        grid.category,
        cast(coalesce(created_in_month.tickets_created, 0) as bigint) as tickets_created,
        {{ cs_safe_divide('coalesce(created_in_month.tickets_created, 0)', 'month_totals.month_tickets_created') }}
            as share_of_tickets,
        cast(created_in_month.avg_severity as double) as avg_severity,
        cast(coalesce(resolved_in_month.tickets_resolved, 0) as bigint) as tickets_resolved,
        cast(resolved_in_month.resolution_hours_avg as double) as resolution_hours_avg
    from grid
    left join created_in_month
        on
            grid.month = created_in_month.month
            and grid.category = created_in_month.category
    left join resolved_in_month
        on
            grid.month = resolved_in_month.month
            and grid.category = resolved_in_month.category
    left join month_totals
        on grid.month = month_totals.month
)

select * from final
