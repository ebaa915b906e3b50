{# grain: one row per month per segment, including segment = 'all' #}
{#- Support KPIs (source documents 001, 004) by the month each event happened in: tickets created,
    first-response hours (mean and median over tickets created in m that have one), tickets
    resolved and their mean time to resolution (TTR), first contact resolution, interactions and
    average handle time (AHT), average ticket severity (ATS), and the point-in-time open tickets
    and backlog at e(m) = int_months_spine.month_end_at (a ticket resolved after as_of_date is
    still open). Backlog = open tickets created more than var backlog_target_hours before e(m).
    tickets_per_customer divides by the active customers at month end (MRR > 0 in m). -#}
with

month_segments as (select * from {{ ref('int_month_segments') }}),
months as (select * from {{ ref('int_months_spine') }}),
tickets as (select * from {{ ref('int_tickets_enriched') }}),
interactions as (select * from {{ ref('int_ticket_interactions_enriched') }}),
customer_months as (select * from {{ ref('int_customer_months_mrr') }}),

tickets_by_segment as (
    {{ cs_with_segment_all('tickets') }}
),

interactions_by_segment as (
    {{ cs_with_segment_all('interactions') }}
),

customer_months_by_segment as (
    {{ cs_with_segment_all('customer_months') }}
),

created_in_month as (
    select
        created_month as month,
        report_segment as segment,
        count(*) as tickets_created,
        {{ cs_exact_avg("first_response_hours", 3600) }} as first_response_hours_avg,
        {{ cs_median('first_response_hours') }} as first_response_hours_median,
        avg(cast(severity as double)) as avg_ticket_severity
    from tickets_by_segment
    group by created_month, report_segment
),

resolved_in_month as (
    select
        resolved_month as month,
        report_segment as segment,
        count(*) as tickets_resolved,
        sum(case when is_fcr then 1 else 0 end) as fcr_tickets,
        {{ cs_exact_avg("resolution_hours", 3600) }} as resolution_hours_avg
    from tickets_by_segment
    where resolved_month is not null
    group by resolved_month, report_segment
),

interactions_in_month as (
    select
        month,
        report_segment as segment,
        count(*) as interactions,
        sum(handle_seconds) as handle_seconds
    from interactions_by_segment
    group by month, report_segment
),

open_at_month_end as (
    select
        months.month,
        tickets_by_segment.report_segment as segment,
        count(*) as open_tickets_end,
        sum(
            case
                when
                    tickets_by_segment.created_at
                    < {{ dbt.dateadd('hour', -1 * var('backlog_target_hours'), 'months.month_end_at') }}
                    then 1
                else 0
            end
        ) as backlog_end
    from months
    inner join tickets_by_segment
        on
            months.month_end_at > tickets_by_segment.created_at
            and (
                tickets_by_segment.resolved_at is null
                or months.month_end_at <= tickets_by_segment.resolved_at
            )
    group by months.month, tickets_by_segment.report_segment
),

active_customers as (
    select
        month,
        report_segment as segment,
        count(distinct customer_id) as customers_end
    from customer_months_by_segment
    where mrr > 0
    group by month, report_segment
),

dense_measures as (
    select
        month_segments.month,
        month_segments.segment,
        cast(coalesce(created_in_month.tickets_created, 0) as bigint) as tickets_created,
        cast(coalesce(active_customers.customers_end, 0) as bigint) as customers_end,
        created_in_month.first_response_hours_avg,
        created_in_month.first_response_hours_median,
        cast(coalesce(resolved_in_month.tickets_resolved, 0) as bigint) as tickets_resolved,
        resolved_in_month.resolution_hours_avg,
        cast(coalesce(resolved_in_month.fcr_tickets, 0) as bigint) as fcr_tickets,
        cast(coalesce(interactions_in_month.interactions, 0) as bigint) as interactions,
        cast(coalesce(interactions_in_month.handle_seconds, 0) as bigint) as handle_seconds,
        created_in_month.avg_ticket_severity,
        cast(coalesce(open_at_month_end.open_tickets_end, 0) as bigint) as open_tickets_end,
        cast(coalesce(open_at_month_end.backlog_end, 0) as bigint) as backlog_end
    from month_segments
    left join created_in_month
        on
            month_segments.month = created_in_month.month
            and month_segments.segment = created_in_month.segment
    left join resolved_in_month
        on
            month_segments.month = resolved_in_month.month
            and month_segments.segment = resolved_in_month.segment
    left join interactions_in_month
        on
            month_segments.month = interactions_in_month.month
            and month_segments.segment = interactions_in_month.segment
    left join open_at_month_end
        on
            month_segments.month = open_at_month_end.month
            and month_segments.segment = open_at_month_end.segment
    left join active_customers
        on
            month_segments.month = active_customers.month
            and month_segments.segment = active_customers.segment
),

final as (
    select
        month,
        segment,
        tickets_created,
        customers_end,
        {{ cs_safe_divide('tickets_created', 'customers_end') }} as tickets_per_customer,
        cast(first_response_hours_avg as double) as first_response_hours_avg,
        cast(first_response_hours_median as double) as first_response_hours_median,
        tickets_resolved,
        cast(resolution_hours_avg as double) as resolution_hours_avg,
        fcr_tickets,
        {{ cs_safe_divide('fcr_tickets', 'tickets_resolved') }} as fcr_rate,
        interactions,
        handle_seconds,
        {{ cs_safe_divide('handle_seconds', 'interactions') }} as aht_seconds,
        cast(avg_ticket_severity as double) as avg_ticket_severity,
        open_tickets_end,
        backlog_end
    from dense_measures
)

select * from final
