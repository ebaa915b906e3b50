{# grain: one row per ticket interaction started on or before as_of_date #}
{#- Each agent contact with its month, its handle time (talk + hold + after-work seconds), the
    segment of the ticket's customer and the ticket's assignee. Interactions started after
    as_of_date are left out. -#}
{{ cs_incremental_recompute_config('interaction_id', 'month', ticket_column='ticket_id') }}
with

as_of as (select * from {{ ref('int_as_of_date') }}),
interactions as (select * from {{ ref('stg_support__ticket_interactions') }}),
tickets as (select * from {{ ref('stg_support__tickets') }}),
customers as (select * from {{ ref('stg_billing__customers') }}),

interactions_as_of as (
    select interactions.*
    from interactions
    cross join as_of
    where interactions.started_at < as_of.as_of_end_at
        {% if is_incremental() %}and (
            interactions.started_at >= cast({{ cs_recompute_from_month() }} as timestamp)
            or interactions.ticket_id in (
                select tickets.ticket_id from tickets
                where tickets.created_at >= cast({{ cs_recompute_from_month() }} as timestamp)
            )
        ){% endif %}
),

final as (
    select
        interactions_as_of.interaction_id,
        interactions_as_of.ticket_id,
        interactions_as_of.agent_id,
        interactions_as_of.channel,
        interactions_as_of.started_at,
        interactions_as_of.talk_seconds,
        interactions_as_of.hold_seconds,
        interactions_as_of.after_work_seconds,
        tickets.customer_id,
        customers.segment,
        tickets.assignee_agent_id,
        cast({{ dbt.date_trunc('month', 'interactions_as_of.started_at') }} as date) as month,
        interactions_as_of.talk_seconds
        + interactions_as_of.hold_seconds
        + interactions_as_of.after_work_seconds as handle_seconds
    from interactions_as_of
    left join tickets
        on interactions_as_of.ticket_id = tickets.ticket_id
    left join customers
        on tickets.customer_id = customers.customer_id
)

select * from final
{{ cs_recomputed_order('month') }}
