{# grain: one row per month per segment, including segment = 'all' #}
{#- CSAT and CES by responded_at month. csat_avg is the mean score (source document 004: sum of scores /
    respondents); csat_pct and dsat_pct are the shares of scores 4-5 and 1-2 in points (source document 001);
    ces_avg is the mean ces score (source document 001). Empty months: zero counts, null averages. -#}
with

month_segments as (select * from {{ ref('int_month_segments') }}),

scored_responses as (
    select * from {{ ref('int_survey_responses_scored') }}
    where survey_type in ('csat', 'ces')
),

responses_by_segment as (
    {{ cs_with_segment_all('scored_responses') }}
),

monthly_totals as (
    select
        month,
        report_segment as segment,
        sum(case when survey_type = 'csat' then 1 else 0 end) as csat_responses,
        sum(case when survey_type = 'csat' then score else 0 end) as csat_score_total,
        sum(case when is_csat_satisfied then 1 else 0 end) as csat_satisfied,
        sum(case when is_csat_dissatisfied then 1 else 0 end) as csat_dissatisfied,
        sum(case when survey_type = 'ces' then 1 else 0 end) as ces_responses,
        sum(case when survey_type = 'ces' then score else 0 end) as ces_score_total
    from responses_by_segment
    group by month, report_segment
),

dense_totals as (
    select
        month_segments.month,
        month_segments.segment,
        cast(coalesce(monthly_totals.csat_responses, 0) as bigint) as csat_responses,
        coalesce(monthly_totals.csat_score_total, 0) as csat_score_total,
        coalesce(monthly_totals.csat_satisfied, 0) as csat_satisfied,
        coalesce(monthly_totals.csat_dissatisfied, 0) as csat_dissatisfied,
        cast(coalesce(monthly_totals.ces_responses, 0) as bigint) as ces_responses,
        coalesce(monthly_totals.ces_score_total, 0) as ces_score_total
    from month_segments
    left join monthly_totals
        on
            month_segments.month = monthly_totals.month
            and month_segments.segment = monthly_totals.segment
),

final as (
    select
        month,
        segment,
        csat_responses,
        {{ cs_safe_divide('csat_score_total', 'csat_responses') }} as csat_avg,
        {{ cs_safe_divide('100 * csat_satisfied', 'csat_responses') }} as csat_pct,
        {{ cs_safe_divide('100 * csat_dissatisfied', 'csat_responses') }} as dsat_pct,
        ces_responses,
        {{ cs_safe_divide('ces_score_total', 'ces_responses') }} as ces_avg
    from dense_totals
)

select * from final
