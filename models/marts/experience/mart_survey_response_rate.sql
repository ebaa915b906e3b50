{# grain: one row per month per survey_type per channel #}
{#- Survey response rate by the month an invitation was sent (source document 000 compares SMS with e-mail):
    invitations = invitations sent in m; responses = responses (on or before as_of_date) that name
    an invitation sent in m, grouped by that invitation's survey_type and channel;
    response_rate = responses / invitations. Dense over the month spine x the contract's survey
    types x invitation channels. -#}
with

as_of as (select * from {{ ref('int_as_of_date') }}),
months as (select * from {{ ref('int_months_spine') }}),
invitations as (select * from {{ ref('int_survey_invitations_listed') }}),
responses as (select * from {{ ref('int_survey_responses_scored') }}),

survey_types as (
    select 'nps' as survey_type
    union all select 'csat'
    union all select 'ces'
),

channels as (
    select 'email' as channel
    union all select 'sms'
    union all select 'in_app'
    union all select 'chat'
),

grid as (
    select
        months.month,
        survey_types.survey_type,
        channels.channel
    from months
    cross join survey_types
    cross join channels
),

invitations_sent as (
    select
        cast({{ dbt.date_trunc('month', 'invitations.sent_at') }} as date) as month,
        invitations.survey_type,
        invitations.channel,
        count(*) as invitations
    from invitations
    cross join as_of
    where invitations.sent_at < as_of.as_of_end_at
    group by
        cast({{ dbt.date_trunc('month', 'invitations.sent_at') }} as date),
        invitations.survey_type,
        invitations.channel
),

invited_responses as (
    select
        responses.invitation_month as month,
        responses.invitation_survey_type as survey_type,
        responses.invitation_channel as channel,
        count(*) as responses
    from responses
    cross join as_of
    where responses.invitation_sent_at < as_of.as_of_end_at
    group by
        responses.invitation_month,
        responses.invitation_survey_type,
        responses.invitation_channel
),

dense_counts as (
    select
        grid.month,
        grid.survey_type,
        grid.channel,
        cast(coalesce(invitations_sent.invitations, 0) as bigint) as invitations,
        cast(coalesce(invited_responses.responses, 0) as bigint) as responses
    from grid
    left join invitations_sent
        on
            grid.month = invitations_sent.month
            and grid.survey_type = invitations_sent.survey_type
            and grid.channel = invitations_sent.channel
    left join invited_responses
        on
            grid.month = invited_responses.month
            and grid.survey_type = invited_responses.survey_type
            and grid.channel = invited_responses.channel
),

final as (
    select
        month,
        survey_type,
        channel,
        invitations,
        responses,
        {{ cs_safe_divide('responses', 'invitations') }} as response_rate
    from dense_counts
)

select * from final
