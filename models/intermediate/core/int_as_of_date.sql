{# grain: exactly one row: the date the metrics are computed as of #}
{#- dbt var as_of_date, else env CS_AS_OF_DATE (both validated in macros/cs_as_of_date_literal.sql), else the
    latest event date in the clean raw data. Event dates are the dates something happened:
    sign-ups, subscription starts, invoices issued and paid, tickets, contacts, surveys, usage and
    engagement. Forward-looking dates (valid_to, due_date) and reference data (fx rate_date,
    expense_month) are not events and do not move it. -#}
{%- set configured = cs_as_of_date_literal() %}
with

customers as (select * from {{ ref('stg_billing__customers') }}),
subscriptions as (select * from {{ ref('stg_billing__subscriptions') }}),
invoices as (select * from {{ ref('stg_billing__invoices') }}),
tickets as (select * from {{ ref('stg_support__tickets') }}),
interactions as (select * from {{ ref('stg_support__ticket_interactions') }}),
invitations as (select * from {{ ref('stg_surveys__survey_invitations') }}),
responses as (select * from {{ ref('stg_surveys__survey_responses') }}),
usage as (select * from {{ ref('stg_product__usage') }}),
engagement_events as (select * from {{ ref('stg_product__engagement_events') }}),

event_dates as (
    select cast(max(signed_up_at) as date) as event_date from customers
    union all select max(valid_from) from subscriptions
    union all select cast(max(issued_at) as date) from invoices
    union all select cast(max(paid_at) as date) from invoices
    union all select cast(max(created_at) as date) from tickets
    union all select cast(max(resolved_at) as date) from tickets
    union all select cast(max(started_at) as date) from interactions
    union all select cast(max(sent_at) as date) from invitations
    union all select cast(max(responded_at) as date) from responses
    union all select max(usage_date) from usage
    union all select cast(max(occurred_at) as date) from engagement_events
),

resolved as (
    {% if configured is not none -%}
    select {{ configured }} as as_of_date
    {%- else -%}
    select coalesce(max(event_date), current_date) as as_of_date
    from event_dates
    {%- endif %}
),

final as (
    select
        cast(as_of_date as date) as as_of_date,
        cast({{ dbt.date_trunc('month', 'as_of_date') }} as date) as as_of_month,
        cast({{ dbt.dateadd('day', 1, 'as_of_date') }} as timestamp) as as_of_end_at
    from resolved
)

select * from final
