{# grain: one row per clean survey invitation #}
{#- The invitations the response-rate mart counts (marts read only intermediate models). A view: a
    copy would write every invitation again on every build, incremental ones too. -#}
{{ config(materialized='view') }}
with

invitations as (select * from {{ ref('stg_surveys__survey_invitations') }}),

final as (
    select
        invitation_id,
        customer_id,
        survey_type,
        channel,
        touchpoint,
        ticket_id,
        sent_at
    from invitations
)

select * from final
