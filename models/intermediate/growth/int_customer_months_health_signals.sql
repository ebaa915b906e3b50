{# grain: one row per active customer (MRR > 0) per month #}
{#- The raw signals behind the health score of each active customer in each month, each measured
    as known at the end of the month e(m) (never later than as_of_date). Windows: the month itself
    up to s(m) for usage; the 3 months m-2..m for tickets, e-mails and trainings; the 12 months
    m-11..m for invoices and referrals; point-in-time at e(m) for open tickets, overdue invoices
    and the latest survey answers. Scoring is in int_customer_months_health_scored. -#}
{{ cs_incremental_recompute_config(['customer_id', 'month'], 'month') }}
with

months as (select * from {{ ref('int_months_spine') }}),
{#- read again by each reader: DuckDB would hold these whole tables in memory for their two
    readers (usage has hundreds of millions of rows at scale) #}
customer_months as {{ cs_cte_not_materialized() }} (select * from {{ ref('int_customer_months_mrr') }}),
customers as (select * from {{ ref('stg_billing__customers') }}),
subscriptions as (select * from {{ ref('stg_billing__subscriptions') }}),
usage as {{ cs_cte_not_materialized() }} (select * from {{ ref('stg_product__usage') }}),
tickets as (select * from {{ ref('int_tickets_enriched') }}),
survey_responses as (select * from {{ ref('int_survey_responses_scored') }}),
invoices as (select * from {{ ref('int_invoices_converted') }}),
engagement_events as (select * from {{ ref('stg_product__engagement_events') }}),

active_customer_months as (
    select
        customer_months.customer_id,
        customer_months.segment,
        customer_months.month,
        customer_months.mrr,
        months.snapshot_date,
        months.month_end_at,
        cast({{ dbt.dateadd('month', -3, 'customer_months.month') }} as date) as month_3_months_ago,
        cast({{ dbt.dateadd('month', -2, 'customer_months.month') }} as timestamp) as recent_window_start_at,
        cast({{ dbt.dateadd('month', -11, 'customer_months.month') }} as timestamp) as year_window_start_at,
        greatest(customer_months.month, cast(customers.signed_up_at as date)) as usage_period_start
    from customer_months
    inner join months
        on customer_months.month = months.month
    inner join customers
        on customer_months.customer_id = customers.customer_id
    {% if is_incremental() %}where customer_months.month >= {{ cs_recompute_from_month() }}{% endif %}
),

usage_periods as (
    select
        customer_id,
        month,
        greatest(
            {{ dbt.datediff('usage_period_start', 'snapshot_date', 'day') }}
            + 1,
            1
        ) as usage_days
    from active_customer_months
),

-- product usage: seats in force at s(m), activity in the month up to s(m)
seats_in_force as (
    select
        active_customer_months.customer_id,
        active_customer_months.month,
        sum(subscriptions.seats) as seats
    from active_customer_months
    inner join subscriptions
        on active_customer_months.customer_id = subscriptions.customer_id
            and active_customer_months.snapshot_date >= subscriptions.valid_from
            and (subscriptions.valid_to is null or active_customer_months.snapshot_date < subscriptions.valid_to)
    group by active_customer_months.customer_id, active_customer_months.month
),

usage_in_month as (
    select
        active_customer_months.customer_id,
        active_customer_months.month,
        sum(usage.active_users) as active_user_days,
        sum(usage.key_feature_events) as key_feature_events
    from active_customer_months
    inner join usage
        on active_customer_months.customer_id = usage.customer_id
            and active_customer_months.month <= usage.usage_date
            and active_customer_months.snapshot_date >= usage.usage_date
            {% if is_incremental() %}and usage.usage_date >= {{ cs_recompute_from_month() }}{% endif %}
    group by active_customer_months.customer_id, active_customer_months.month
),

first_usage as (
    select
        customer_id,
        min(usage_date) as first_usage_date
    from usage
    group by customer_id
),

-- support: tickets open at e(m), tickets created in m-2..m
ticket_signals as (
    select
        active_customer_months.customer_id,
        active_customer_months.month,
        sum(
            case
                when tickets.resolved_at is null or tickets.resolved_at >= active_customer_months.month_end_at
                    then 1
                else 0
            end
        ) as open_tickets,
        sum(
            case
                when
                    tickets.severity >= 3
                    and (tickets.resolved_at is null or tickets.resolved_at >= active_customer_months.month_end_at)
                    then 1
                else 0
            end
        ) as open_high_severity_tickets,
        sum(
            case when tickets.created_at >= active_customer_months.recent_window_start_at then 1 else 0 end
        ) as recent_tickets,
        sum(
            case
                when
                    tickets.created_at >= active_customer_months.recent_window_start_at
                    and tickets.reopened_count > 0
                    then 1
                else 0
            end
        ) as recent_reopened_tickets
    from active_customer_months
    inner join tickets
        on active_customer_months.customer_id = tickets.customer_id
            and active_customer_months.month_end_at > tickets.created_at
    group by active_customer_months.customer_id, active_customer_months.month
),

-- sentiment: each answer is the latest of its survey type until the next one arrives
ordered_responses as (
    select
        customer_id,
        survey_type,
        score,
        responded_at,
        lead(responded_at) over (
            partition by customer_id, survey_type order by responded_at, response_id
        ) as next_responded_at
    from survey_responses
    where survey_type in ('nps', 'csat')
),

latest_responses as (
    select
        active_customer_months.customer_id,
        active_customer_months.month,
        max(case when ordered_responses.survey_type = 'nps' then ordered_responses.score end) as latest_nps_score,
        max(case when ordered_responses.survey_type = 'csat' then ordered_responses.score end) as latest_csat_score
    from active_customer_months
    inner join ordered_responses
        on active_customer_months.customer_id = ordered_responses.customer_id
            and active_customer_months.month_end_at > ordered_responses.responded_at
            and (
                ordered_responses.next_responded_at is null
                or active_customer_months.month_end_at <= ordered_responses.next_responded_at
            )
    group by active_customer_months.customer_id, active_customer_months.month
),

-- payment: invoices (not void, not credit notes) issued in m-11..m
recent_invoices as (
    select
        active_customer_months.customer_id,
        active_customer_months.month,
        invoices.status,
        invoices.due_date < cast(active_customer_months.month_end_at as date) as is_due,
        coalesce(invoices.paid_at < active_customer_months.month_end_at, false) as is_paid_by_month_end,
        cast(invoices.paid_at as date) > invoices.due_date as is_paid_after_due_date
    from active_customer_months
    inner join invoices
        on active_customer_months.customer_id = invoices.customer_id
            and active_customer_months.year_window_start_at <= invoices.issued_at
            and active_customer_months.month_end_at > invoices.issued_at
            {% if is_incremental() -%}
            and invoices.issued_month >= cast({{ dbt.dateadd('month', -11, cs_recompute_from_month()) }} as date)
            {%- endif %}
    where invoices.invoice_type = 'invoice'
        and invoices.status <> 'void'
),

invoice_signals as (
    select
        customer_id,
        month,
        count(*) as recent_invoices,
        sum(case when is_due and not is_paid_by_month_end then 1 else 0 end) as overdue_invoices,
        sum(
            case when is_due and not is_paid_by_month_end and status = 'uncollectible' then 1 else 0 end
        ) as overdue_uncollectible_invoices,
        sum(case when is_paid_by_month_end then 1 else 0 end) as recent_paid_invoices,
        sum(case when is_paid_by_month_end and is_paid_after_due_date then 1 else 0 end) as recent_paid_late_invoices
    from recent_invoices
    group by customer_id, month
),

-- engagement: e-mails and trainings in m-2..m, referrals in m-11..m
engagement_signals as (
    select
        active_customer_months.customer_id,
        active_customer_months.month,
        sum(
            case
                when
                    engagement_events.event_type = 'email_sent'
                    and engagement_events.occurred_at >= active_customer_months.recent_window_start_at
                    then 1
                else 0
            end
        ) as recent_emails_sent,
        sum(
            case
                when
                    engagement_events.event_type = 'email_opened'
                    and engagement_events.occurred_at >= active_customer_months.recent_window_start_at
                    then 1
                else 0
            end
        ) as recent_emails_opened,
        sum(
            case
                when
                    engagement_events.event_type in ('training_completed', 'webinar_attended')
                    and engagement_events.occurred_at >= active_customer_months.recent_window_start_at
                    then 1
                else 0
            end
        ) as recent_trainings,
        sum(case when engagement_events.event_type = 'referral_made' then 1 else 0 end) as referrals_made
    from active_customer_months
    inner join engagement_events
        on active_customer_months.customer_id = engagement_events.customer_id
            and active_customer_months.year_window_start_at <= engagement_events.occurred_at
            and active_customer_months.month_end_at > engagement_events.occurred_at
            {% if is_incremental() -%}
            and engagement_events.occurred_at
            >= cast({{ dbt.dateadd('month', -11, cs_recompute_from_month()) }} as timestamp)
            {%- endif %}
    group by active_customer_months.customer_id, active_customer_months.month
),

referred_signups as (
    select
        active_customer_months.customer_id,
        active_customer_months.month,
        count(*) as referred_signups
    from active_customer_months
    inner join customers
        on active_customer_months.customer_id = customers.referred_by_customer_id
            and active_customer_months.year_window_start_at <= customers.signed_up_at
            and active_customer_months.month_end_at > customers.signed_up_at
    group by active_customer_months.customer_id, active_customer_months.month
),

final as (
    select
        active_customer_months.customer_id,
        active_customer_months.month,
        active_customer_months.segment,
        active_customer_months.mrr,
        mrr_3_months_ago.mrr as mrr_3_months_ago,
        coalesce(first_usage.first_usage_date <= active_customer_months.snapshot_date, false) as has_usage_data,
        seats_in_force.seats,
        usage_periods.usage_days,
        coalesce(usage_in_month.active_user_days, 0) as active_user_days,
        coalesce(usage_in_month.key_feature_events, 0) as key_feature_events,
        coalesce(ticket_signals.open_tickets, 0) as open_tickets,
        coalesce(ticket_signals.open_high_severity_tickets, 0) as open_high_severity_tickets,
        coalesce(ticket_signals.recent_tickets, 0) as recent_tickets,
        coalesce(ticket_signals.recent_reopened_tickets, 0) as recent_reopened_tickets,
        latest_responses.latest_nps_score,
        latest_responses.latest_csat_score,
        coalesce(invoice_signals.recent_invoices, 0) as recent_invoices,
        coalesce(invoice_signals.overdue_invoices, 0) as overdue_invoices,
        coalesce(invoice_signals.overdue_uncollectible_invoices, 0) as overdue_uncollectible_invoices,
        coalesce(invoice_signals.recent_paid_invoices, 0) as recent_paid_invoices,
        coalesce(invoice_signals.recent_paid_late_invoices, 0) as recent_paid_late_invoices,
        coalesce(engagement_signals.recent_emails_sent, 0) as recent_emails_sent,
        coalesce(engagement_signals.recent_emails_opened, 0) as recent_emails_opened,
        coalesce(engagement_signals.recent_trainings, 0) as recent_trainings,
        coalesce(engagement_signals.referrals_made, 0) as referrals_made,
        coalesce(referred_signups.referred_signups, 0) as referred_signups
    from active_customer_months
    left join customer_months as mrr_3_months_ago
        on active_customer_months.customer_id = mrr_3_months_ago.customer_id
            and active_customer_months.month_3_months_ago = mrr_3_months_ago.month
    inner join usage_periods
        on active_customer_months.customer_id = usage_periods.customer_id
            and active_customer_months.month = usage_periods.month
    left join first_usage
        on active_customer_months.customer_id = first_usage.customer_id
    left join seats_in_force
        on active_customer_months.customer_id = seats_in_force.customer_id
            and active_customer_months.month = seats_in_force.month
    left join usage_in_month
        on active_customer_months.customer_id = usage_in_month.customer_id
            and active_customer_months.month = usage_in_month.month
    left join ticket_signals
        on active_customer_months.customer_id = ticket_signals.customer_id
            and active_customer_months.month = ticket_signals.month
    left join latest_responses
        on active_customer_months.customer_id = latest_responses.customer_id
            and active_customer_months.month = latest_responses.month
    left join invoice_signals
        on active_customer_months.customer_id = invoice_signals.customer_id
            and active_customer_months.month = invoice_signals.month
    left join engagement_signals
        on active_customer_months.customer_id = engagement_signals.customer_id
            and active_customer_months.month = engagement_signals.month
    left join referred_signups
        on active_customer_months.customer_id = referred_signups.customer_id
            and active_customer_months.month = referred_signups.month
)

select * from final
{{ cs_recomputed_order('month') }}
