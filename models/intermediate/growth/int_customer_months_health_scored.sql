{# grain: one row per active customer (MRR > 0) per month #}
{#- Turns the signals of int_customer_months_health_signals into six 0-100 component scores (the
    scoring is written out for customer-success managers in docs/metrics.md, Account health), the
    health score (weighted mean of the components, weights = dbt vars health_weight_<component>),
    the traffic light band (vars health_band_green_min, health_band_yellow_min), the main risk
    factor (the lowest-scoring component; ties go to the first in the order of cs_health_components())
    and the band of the previous month. A component without data scores its neutral value, never
    null. Components and the health score are rounded to 2 decimals; the health score is the
    weighted mean of the rounded components and the band is read from the rounded health score. -#}
{%- set components = cs_health_components() -%}
{%- set total_weight = components | sum(attribute='weight') -%}
{%- set green_min = var('health_band_green_min') -%}
{%- set yellow_min = var('health_band_yellow_min') -%}
{%- if green_min is not number or yellow_min is not number or not (0 <= yellow_min <= green_min <= 100) -%}
    {{ exceptions.raise_compiler_error(
        'health band thresholds need 0 <= health_band_yellow_min <= health_band_green_min <= 100, got: '
        ~ yellow_min ~ ', ' ~ green_min) }}
{%- endif -%}
{%- set weighted = components | selectattr('weight', '>', 0) | list -%}
{{ cs_incremental_recompute_config(['customer_id', 'month'], 'month') }}
with

signals as (select * from {{ ref('int_customer_months_health_signals') }}),

ratios as (
    select
        *,
        {{ cs_safe_divide('active_user_days', 'usage_days') }} as avg_daily_active_users,
        {{ cs_safe_divide('key_feature_events', 'active_user_days') }} as key_feature_events_per_user_day,
        {{ cs_safe_divide('mrr', 'mrr_3_months_ago') }} as mrr_3_month_ratio,
        {{ cs_safe_divide('recent_emails_opened', 'recent_emails_sent') }} as email_open_rate,
        {{ cs_safe_divide('recent_paid_late_invoices', 'recent_paid_invoices') }} as late_payment_share
    from signals
    -- the month before the first recomputed one gives its previous band
    {% if is_incremental() -%}
    where month >= cast({{ dbt.dateadd('month', -1, cs_recompute_from_month()) }} as date)
    {%- endif %}
),

parts as (
    select
        *,
        {{ cs_safe_divide('avg_daily_active_users', 'seats') }} as seat_utilization,
        case
            when seats > 0 then least(1.0, {{ cs_safe_divide('avg_daily_active_users', 'seats') }} / 0.6)
            when active_user_days > 0 then 1.0
            else 0.0
        end as seat_part,
        case
            when key_feature_events_per_user_day is null then 0.0
            else least(1.0, key_feature_events_per_user_day / 3.0)
        end as key_feature_part,
        case
            when latest_nps_score >= 9 then 100.0
            when latest_nps_score >= 7 then 60.0
            else 5.0 * latest_nps_score
        end as nps_part,
        25.0 * (latest_csat_score - 1) as csat_part,
        case
            when recent_emails_sent = 0 then 30.0
            else 60.0 * least(1.0, email_open_rate / 0.5)
        end as email_part,
        40.0 * least(1.0, recent_trainings / 2.0) as training_part,
        case when referrals_made + referred_signups > 0 then 20.0 else 0.0 end as referral_part
    from ratios
),

components as (
    select
        *,
        {% call cs_rounded_double(2) %}case
            when not has_usage_data then 50.0
            else 100.0 * (0.75 * seat_part + 0.25 * key_feature_part)
        end{% endcall %} as usage_score,
        {% call cs_rounded_double(2) %}case
            when mrr_3_month_ratio is null then 75.0
            when mrr_3_month_ratio >= 1.2 then 100.0
            when mrr_3_month_ratio >= 1 then 75.0 + 125.0 * (mrr_3_month_ratio - 1)
            when mrr_3_month_ratio >= 0.5 then 150.0 * (mrr_3_month_ratio - 0.5)
            else 0.0
        end{% endcall %} as spend_trend_score,
        round(case
            when recent_tickets = 0 and open_tickets = 0 then 70.0
            else greatest(0.0, 100.0 - 25.0 * open_high_severity_tickets - 10.0 * recent_reopened_tickets)
        end, 2) as support_score,
        {% call cs_rounded_double(2) %}coalesce((nps_part + csat_part) / 2, nps_part, csat_part, 50.0){% endcall %} as sentiment_score,
        {% call cs_rounded_double(2) %}case
            when recent_invoices = 0 then 70.0
            else greatest(
                0.0,
                100.0 - 30.0 * overdue_invoices - 20.0 * overdue_uncollectible_invoices
                - 40.0 * coalesce(late_payment_share, 0.0)
            )
        end{% endcall %} as payment_score,
        {% call cs_rounded_double(2) %}case
            when recent_emails_sent + recent_emails_opened + recent_trainings + referrals_made + referred_signups = 0
                then 50.0
            else least(100.0, email_part + training_part + referral_part)
        end{% endcall %} as engagement_score
    from parts
),

lowest as (
    select
        *,
        least(
            {%- for component in weighted %}
            {{ component.name }}_score{% if not loop.last %},{% endif %}
            {%- endfor %}
        ) as lowest_score
    from components
),

scored as (
    select
        *,
        {% call cs_rounded_double(2) %}
            (
                {%- for component in weighted %}
                {{ component.weight }} * {{ component.name }}_score{% if not loop.last %} +{% endif %}
                {%- endfor %}
            ) / {{ total_weight }}
        {% endcall %} as health_score,
        case
            {%- for component in weighted %}
            when {{ component.name }}_score = lowest_score then '{{ component.name }}'
            {%- endfor %}
        end as main_risk_factor
    from lowest
),

banded as (
    select
        *,
        case
            when health_score >= {{ green_min }} then 'green'
            when health_score >= {{ yellow_min }} then 'yellow'
            else 'red'
        end as health_band
    from scored
),

-- only the month right before counts, so an incremental run needs one month of history
with_previous as (
    select
        *,
        case
            when lag(month) over (partition by customer_id order by month)
                = cast({{ dbt.dateadd('month', -1, 'month') }} as date)
                then lag(month) over (partition by customer_id order by month)
        end as previous_scored_month,
        case
            when lag(month) over (partition by customer_id order by month)
                = cast({{ dbt.dateadd('month', -1, 'month') }} as date)
                then lag(health_band) over (partition by customer_id order by month)
        end as previous_scored_band
    from banded
),

final as (
    select
        *,
        previous_scored_band as previous_health_band
    from with_previous
    {% if is_incremental() %}where month >= {{ cs_recompute_from_month() }}{% endif %}
)

select * from final
{{ cs_recomputed_order('month') }}
