{# grain: one row per active customer (MRR > 0) per month #}
{#- The account health scorecard (source documents 000, 003): six 0-100 component scores, the health score
    (their weighted mean), the traffic-light band, the main risk factor and last month's band,
    with the signals a customer-success manager needs to see why, and the score's trend over three
    months. Scoring is documented in docs/metrics.md (Account health) and computed in
    int_customer_months_health_scored. -#}
{{ cs_incremental_recompute_config(['customer_id', 'month'], 'month') }}
with

scored as (select * from {{ ref('int_customer_months_health_scored') }}),

-- a self-join on the whole scored table, so an incremental run still sees m-3
with_score_3m_ago as (
    select
        scored.*,
        scored_3m_ago.health_score as health_score_3m_ago
    from scored
    left join scored as scored_3m_ago
        on scored.customer_id = scored_3m_ago.customer_id
            and scored_3m_ago.month = cast({{ dbt.dateadd('month', -3, 'scored.month') }} as date)
),

final as (
    select
        cast(month as date) as month,
        cast(customer_id as string) as customer_id,
        cast(segment as string) as segment,
        cast(mrr as decimal(18, 2)) as mrr,
        cast(usage_score as double) as usage_score,
        cast(spend_trend_score as double) as spend_trend_score,
        cast(support_score as double) as support_score,
        cast(sentiment_score as double) as sentiment_score,
        cast(payment_score as double) as payment_score,
        cast(engagement_score as double) as engagement_score,
        cast(health_score as double) as health_score,
        cast(health_band as string) as health_band,
        cast(main_risk_factor as string) as main_risk_factor,
        cast(previous_health_band as string) as previous_health_band,
        cast(health_score_3m_ago as double) as health_score_3m_ago,
        cast({{ cs_round_double('health_score - health_score_3m_ago', 2) }} as double) as health_score_change_3m,
        cast(seats as bigint) as seats,
        cast(avg_daily_active_users as double) as avg_daily_active_users,
        cast(seat_utilization as double) as seat_utilization,
        cast(mrr_3_months_ago as decimal(18, 2)) as mrr_3_months_ago,
        cast(open_high_severity_tickets as bigint) as open_high_severity_tickets,
        cast(recent_reopened_tickets as bigint) as recent_reopened_tickets,
        cast(latest_nps_score as bigint) as latest_nps_score,
        cast(latest_csat_score as bigint) as latest_csat_score,
        cast(overdue_invoices as bigint) as overdue_invoices,
        cast(late_payment_share as double) as late_payment_share,
        cast(email_open_rate as double) as email_open_rate,
        cast(recent_trainings as bigint) as recent_trainings,
        cast(referrals_made + referred_signups as bigint) as recent_referrals
    from with_score_3m_ago
    {% if is_incremental() %}where month >= {{ cs_recompute_from_month() }}{% endif %}
)

select * from final
{{ cs_recomputed_order('month') }}
