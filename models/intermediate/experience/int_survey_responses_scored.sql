{# grain: one row per survey response responded on or before as_of_date #}
{#- Each clean response (scores outside their scale are quarantined in staging) with the
    customer's segment, its month (of responded_at), the NPS class (nps only: promoter 9-10,
    passive 7-8, detractor 0-6), the CSAT flags (csat only: satisfied 4-5, dissatisfied 1-2),
    the invitation it names (sent_at, month, channel, survey_type) and the assignee of the ticket
    it names. -#}
{{ cs_incremental_recompute_config(
    'response_id', 'month', also_month_columns=['invitation_month'], ticket_column='ticket_id'
) }}
with

as_of as (select * from {{ ref('int_as_of_date') }}),
responses as (select * from {{ ref('stg_surveys__survey_responses') }}),
invitations as (select * from {{ ref('stg_surveys__survey_invitations') }}),
tickets as (select * from {{ ref('stg_support__tickets') }}),
customers as (select * from {{ ref('stg_billing__customers') }}),

responses_as_of as (
    select responses.*
    from responses
    cross join as_of
    where responses.responded_at < as_of.as_of_end_at
),

final as (
    select
        responses_as_of.response_id,
        responses_as_of.invitation_id,
        responses_as_of.customer_id,
        responses_as_of.survey_type,
        responses_as_of.score,
        responses_as_of.responded_at,
        responses_as_of.touchpoint,
        responses_as_of.ticket_id,
        responses_as_of.comment,
        customers.segment,
        cast({{ dbt.date_trunc('month', 'responses_as_of.responded_at') }} as date) as month,
        case
            when responses_as_of.survey_type <> 'nps' then null
            when responses_as_of.score >= 9 then 'promoter'
            when responses_as_of.score >= 7 then 'passive'
            else 'detractor'
        end as nps_class,
        case
            when responses_as_of.survey_type = 'csat' then responses_as_of.score >= 4
        end as is_csat_satisfied,
        case
            when responses_as_of.survey_type = 'csat' then responses_as_of.score <= 2
        end as is_csat_dissatisfied,
        invitations.sent_at as invitation_sent_at,
        cast({{ dbt.date_trunc('month', 'invitations.sent_at') }} as date) as invitation_month,
        invitations.channel as invitation_channel,
        invitations.survey_type as invitation_survey_type,
        tickets.assignee_agent_id as ticket_assignee_agent_id
    from responses_as_of
    left join customers
        on responses_as_of.customer_id = customers.customer_id
    left join invitations
        on responses_as_of.invitation_id = invitations.invitation_id
    left join tickets
        on responses_as_of.ticket_id = tickets.ticket_id
    {% if is_incremental() %}where
        responses_as_of.responded_at >= cast({{ cs_recompute_from_month() }} as timestamp)
        or invitations.sent_at >= cast({{ cs_recompute_from_month() }} as timestamp)
        or tickets.created_at >= cast({{ cs_recompute_from_month() }} as timestamp)
    {% endif %}
)

select * from final
{{ cs_recomputed_order('month') }}
