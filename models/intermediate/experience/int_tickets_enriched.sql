{# grain: one row per support ticket created on or before as_of_date #}
{#- Each ticket as it stood at the end of as_of_date: a first response or resolution after
    as_of_date has not happened yet (null; a ticket resolved later is unresolved). Adds the
    customer's segment, the created and resolved months, first-response and resolution hours
    (epoch seconds difference / 3600), the number of interactions started on or before
    as_of_date over the ticket's whole life, and first contact resolution: resolved, exactly one
    interaction and never reopened. -#}
{{ cs_incremental_recompute_config('ticket_id', 'created_month') }}
with

as_of as (select * from {{ ref('int_as_of_date') }}),
tickets as (select * from {{ ref('stg_support__tickets') }}),
customers as (select * from {{ ref('stg_billing__customers') }}),
interactions as (select * from {{ ref('int_ticket_interactions_enriched') }}),

tickets_as_of as (
    select
        tickets.ticket_id,
        tickets.customer_id,
        tickets.created_at,
        case
            when tickets.first_response_at < as_of.as_of_end_at then tickets.first_response_at
        end as first_response_at,
        case
            when tickets.resolved_at < as_of.as_of_end_at then tickets.resolved_at
        end as resolved_at,
        tickets.status,
        tickets.severity,
        tickets.channel,
        tickets.category,
        tickets.assignee_agent_id,
        tickets.reopened_count
    from tickets
    cross join as_of
    where tickets.created_at < as_of.as_of_end_at
        {% if is_incremental() %}and tickets.created_at >= cast({{ cs_recompute_from_month() }} as timestamp){% endif %}
),

interaction_counts as (
    select
        ticket_id,
        count(*) as interactions_count
    from interactions
    group by ticket_id
),

measured as (
    select
        tickets_as_of.*,
        customers.segment,
        cast({{ dbt.date_trunc('month', 'tickets_as_of.created_at') }} as date) as created_month,
        cast({{ dbt.date_trunc('month', 'tickets_as_of.resolved_at') }} as date) as resolved_month,
        cast(
            {{ dbt.datediff('tickets_as_of.created_at', 'tickets_as_of.first_response_at', 'second') }}
            as double
        ) / 3600 as first_response_hours,
        cast(
            {{ dbt.datediff('tickets_as_of.created_at', 'tickets_as_of.resolved_at', 'second') }}
            as double
        ) / 3600 as resolution_hours,
        coalesce(interaction_counts.interactions_count, 0) as interactions_count
    from tickets_as_of
    left join customers
        on tickets_as_of.customer_id = customers.customer_id
    left join interaction_counts
        on tickets_as_of.ticket_id = interaction_counts.ticket_id
),

final as (
    select
        measured.*,
        (
            measured.resolved_at is not null
            and measured.interactions_count = 1
            and measured.reopened_count = 0
        ) as is_fcr
    from measured
)

select * from final
{{ cs_recomputed_order('created_month') }}
