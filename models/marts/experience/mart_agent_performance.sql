{# grain: one row per month per support agent #}
{#- Team performance (source document 004): every spine month x every clean agent. By assignee:
    tickets_resolved in m, fcr_rate among them, first_response_hours_avg over the agent's tickets
    created in m. By the agent of the contact: interactions started in m and AHT. csat_avg: mean
    of the csat responses in m whose ticket is assigned to the agent. -#}
with

months as (select * from {{ ref('int_months_spine') }}),
agents as (select * from {{ ref('int_support_agents_listed') }}),
tickets as (select * from {{ ref('int_tickets_enriched') }}),
interactions as (select * from {{ ref('int_ticket_interactions_enriched') }}),
responses as (select * from {{ ref('int_survey_responses_scored') }}),

grid as (
    select
        months.month,
        agents.agent_id,
        agents.agent_name,
        agents.team
    from months
    cross join agents
),

resolved_by_assignee as (
    select
        resolved_month as month,
        assignee_agent_id as agent_id,
        count(*) as tickets_resolved,
        sum(case when is_fcr then 1 else 0 end) as fcr_tickets
    from tickets
    where resolved_month is not null and assignee_agent_id is not null
    group by resolved_month, assignee_agent_id
),

created_by_assignee as (
    select
        created_month as month,
        assignee_agent_id as agent_id,
        {{ cs_exact_avg("first_response_hours", 3600) }} as first_response_hours_avg
    from tickets
    where assignee_agent_id is not null
    group by created_month, assignee_agent_id
),

interactions_by_agent as (
    select
        month,
        agent_id,
        count(*) as interactions,
        sum(handle_seconds) as handle_seconds
    from interactions
    group by month, agent_id
),

csat_by_assignee as (
    select
        month,
        ticket_assignee_agent_id as agent_id,
        count(*) as csat_responses,
        sum(score) as csat_score_total
    from responses
    where survey_type = 'csat' and ticket_assignee_agent_id is not null
    group by month, ticket_assignee_agent_id
),

dense_measures as (
    select
        grid.month,
        grid.agent_id,
        grid.agent_name,
        grid.team,
        cast(coalesce(resolved_by_assignee.tickets_resolved, 0) as bigint) as tickets_resolved,
        cast(coalesce(resolved_by_assignee.fcr_tickets, 0) as bigint) as fcr_tickets,
        cast(coalesce(interactions_by_agent.interactions, 0) as bigint) as interactions,
        cast(coalesce(interactions_by_agent.handle_seconds, 0) as bigint) as handle_seconds,
        created_by_assignee.first_response_hours_avg,
        cast(coalesce(csat_by_assignee.csat_responses, 0) as bigint) as csat_responses,
        coalesce(csat_by_assignee.csat_score_total, 0) as csat_score_total
    from grid
    left join resolved_by_assignee
        on
            grid.month = resolved_by_assignee.month
            and grid.agent_id = resolved_by_assignee.agent_id
    left join created_by_assignee
        on
            grid.month = created_by_assignee.month
            and grid.agent_id = created_by_assignee.agent_id
    left join interactions_by_agent
        on
            grid.month = interactions_by_agent.month
            and grid.agent_id = interactions_by_agent.agent_id
    left join csat_by_assignee
        on
            grid.month = csat_by_assignee.month
            and grid.agent_id = csat_by_assignee.agent_id
),

final as (
    select
        month,
        agent_id,
        agent_name,
        team,
        tickets_resolved,
        fcr_tickets,
        {{ cs_safe_divide('fcr_tickets', 'tickets_resolved') }} as fcr_rate,
        interactions,
        handle_seconds,
        {{ cs_safe_divide('handle_seconds', 'interactions') }} as aht_seconds,
        cast(first_response_hours_avg as double) as first_response_hours_avg,
        csat_responses,
        {{ cs_safe_divide('csat_score_total', 'csat_responses') }} as csat_avg
    from dense_measures
)

select * from final
