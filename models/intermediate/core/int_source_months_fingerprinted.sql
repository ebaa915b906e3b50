{# grain: one row per build per clean source table per bucket month #}
{#- What the clean source data looked like at each build, month by month, so the next incremental
    run can tell exactly which months changed. Each clean row is put in the bucket of the
    earliest month it can affect: its event month (tickets: created, invoices: issued, usage: the
    day, ...); an interaction also in its ticket's month, a response also in its invitation's
    month; a subscription version twice, its start (every column but the end) in the month of
    valid_from and its end (valid_to, cancel_reason) in the month of valid_to. Reference tables
    without a date (plans, agents) use the bucket 1900-01-01, meaning "every month". Per bucket:
    the row count and an order-independent fingerprint of the rows (macro cs_rows_fingerprint).
    Rows of older builds than the latest committed one are removed after each run; a build is
    committed by on-run-end (macro cs_commit_source_fingerprints) once every incremental model
    was built from it. -#}
{{ config(
    materialized='incremental',
    incremental_strategy=cs_incremental_strategy(),
    unique_key=['build_id', 'source_table', 'month'],
    post_hook="{{ cs_prune_source_fingerprints() }}",
) }}
{%- set every_month = "cast('1900-01-01' as date)" -%}
{%- set sources = [
    {'name': 'customers', 'model': 'stg_billing__customers', 'month': 'signed_up_at',
     'columns': ['customer_id', 'customer_name', 'segment', 'country', 'industry', 'signed_up_at',
                 'acquisition_channel', 'referred_by_customer_id', 'onboarding_completed_at',
                 'first_value_at']},
    {'name': 'plans', 'model': 'stg_billing__plans', 'month': none,
     'columns': ['plan_id', 'plan_name', 'tier', 'billing_interval', 'list_price', 'currency']},
    {'name': 'fx_rates', 'model': 'stg_billing__fx_rates', 'month': 'rate_date',
     'columns': ['rate_date', 'currency', 'usd_per_unit']},
    {'name': 'expenses', 'model': 'stg_billing__expenses', 'month': 'expense_month',
     'columns': ['expense_id', 'expense_month', 'cost_type', 'category', 'amount', 'currency']},
    {'name': 'invoices', 'model': 'stg_billing__invoices', 'month': 'issued_at',
     'columns': ['invoice_id', 'customer_id', 'subscription_id', 'invoice_type', 'issued_at',
                 'due_date', 'amount', 'currency', 'status', 'paid_at']},
    {'name': 'agents', 'model': 'stg_support__agents', 'month': none,
     'columns': ['agent_id', 'agent_name', 'team', 'hired_at']},
    {'name': 'tickets', 'model': 'stg_support__tickets', 'month': 'created_at',
     'columns': ['ticket_id', 'customer_id', 'created_at', 'first_response_at', 'resolved_at',
                 'status', 'severity', 'channel', 'category', 'assignee_agent_id',
                 'reopened_count']},
    {'name': 'survey_invitations', 'model': 'stg_surveys__survey_invitations', 'month': 'sent_at',
     'columns': ['invitation_id', 'customer_id', 'survey_type', 'channel', 'touchpoint',
                 'ticket_id', 'sent_at']},
    {'name': 'product_usage', 'model': 'stg_product__usage', 'month': 'usage_date',
     'columns': ['customer_id', 'usage_date', 'active_users', 'sessions', 'key_feature_events']},
    {'name': 'engagement_events', 'model': 'stg_product__engagement_events',
     'month': 'occurred_at', 'columns': ['event_id', 'customer_id', 'event_type', 'occurred_at']},
] -%}
with

as_of as (select * from {{ ref('int_as_of_date') }}),
{% for source in sources -%}
{{ source.name }} as (select * from {{ ref(source.model) }}),
{% endfor -%}
subscriptions as (select * from {{ ref('stg_billing__subscriptions') }}),
interactions as (select * from {{ ref('stg_support__ticket_interactions') }}),
responses as (select * from {{ ref('stg_surveys__survey_responses') }}),

bucketed as (
    {% for source in sources -%}
    select
        '{{ source.name }}' as source_table,
        {% if source.month is none -%}
        {{ every_month }} as month,
        {%- else -%}
        cast({{ dbt.date_trunc('month', source.month) }} as date) as month,
        {%- endif %}
        count(*) as row_count,
        {{ cs_rows_fingerprint(source.columns) }} as fingerprint
    from {{ source.name }}
    group by 2
    union all
    {% endfor -%}
    select
        'subscription_starts' as source_table,
        cast({{ dbt.date_trunc('month', 'valid_from') }} as date) as month,
        count(*) as row_count,
        {{ cs_rows_fingerprint(['subscription_id', 'customer_id', 'plan_id', 'valid_from', 'is_trial',
                                'seats', 'recurring_amount', 'billing_interval', 'currency']) }}
            as fingerprint
    from subscriptions
    group by 2
    union all
    select
        'subscription_ends' as source_table,
        cast({{ dbt.date_trunc('month', 'coalesce(valid_to, valid_from)') }} as date) as month,
        count(*) as row_count,
        {{ cs_rows_fingerprint(['subscription_id', 'valid_from', 'valid_to', 'cancel_reason']) }}
            as fingerprint
    from subscriptions
    where valid_to is not null or cancel_reason is not null
    group by 2
    union all
    select
        'ticket_interactions' as source_table,
        {%- set interaction_start %}
            least(interactions.started_at, coalesce(tickets.created_at, interactions.started_at))
        {%- endset %}
        cast({{ dbt.date_trunc('month', interaction_start) }} as date) as month,
        count(*) as row_count,
        {{ cs_rows_fingerprint(['interactions.interaction_id', 'interactions.ticket_id',
                                'interactions.agent_id', 'interactions.channel',
                                'interactions.started_at', 'interactions.talk_seconds',
                                'interactions.hold_seconds', 'interactions.after_work_seconds']) }}
            as fingerprint
    from interactions
    left join tickets on interactions.ticket_id = tickets.ticket_id
    group by 2
    union all
    select
        'survey_responses' as source_table,
        {%- set response_start %}
            least(responses.responded_at, coalesce(survey_invitations.sent_at, responses.responded_at))
        {%- endset %}
        cast({{ dbt.date_trunc('month', response_start) }} as date) as month,
        count(*) as row_count,
        {{ cs_rows_fingerprint(['responses.response_id', 'responses.invitation_id',
                                'responses.customer_id', 'responses.survey_type', 'responses.score',
                                'responses.responded_at', 'responses.touchpoint',
                                'responses.ticket_id', 'responses.comment']) }}
            as fingerprint
    from responses
    left join survey_invitations on responses.invitation_id = survey_invitations.invitation_id
    group by 2
),

final as (
    select
        '{{ invocation_id }}' as build_id,
        cast('{{ run_started_at.strftime("%Y-%m-%d %H:%M:%S") }}' as timestamp) as built_at,
        false as is_committed,
        (select as_of.as_of_date from as_of) as as_of_date,
        source_table,
        month,
        row_count,
        fingerprint
    from bucketed
)

select * from final
