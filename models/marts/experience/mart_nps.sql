{# grain: one row per month per segment, including segment = 'all' #}
{#- Net Promoter Score by responded_at month: every nps response counts. promoters 9-10,
    passives 7-8, detractors 0-6; nps = 100 x (promoters - detractors) / responses (source document 004:
    200 answers, 100 promoters, 80 passives, 20 detractors -> 40). A month without responses has
    zero counts and null percentages. -#}
with

month_segments as (select * from {{ ref('int_month_segments') }}),

nps_responses as (
    select * from {{ ref('int_survey_responses_scored') }}
    where survey_type = 'nps'
),

responses_by_segment as (
    {{ cs_with_segment_all('nps_responses') }}
),

monthly_counts as (
    select
        month,
        report_segment as segment,
        count(*) as responses,
        sum(case when nps_class = 'promoter' then 1 else 0 end) as promoters,
        sum(case when nps_class = 'passive' then 1 else 0 end) as passives,
        sum(case when nps_class = 'detractor' then 1 else 0 end) as detractors
    from responses_by_segment
    group by month, report_segment
),

dense_counts as (
    select
        month_segments.month,
        month_segments.segment,
        cast(coalesce(monthly_counts.responses, 0) as bigint) as responses,
        cast(coalesce(monthly_counts.promoters, 0) as bigint) as promoters,
        cast(coalesce(monthly_counts.passives, 0) as bigint) as passives,
        cast(coalesce(monthly_counts.detractors, 0) as bigint) as detractors
    from month_segments
    left join monthly_counts
        on
            month_segments.month = monthly_counts.month
            and month_segments.segment = monthly_counts.segment
),

final as (
    select
        month,
        segment,
        responses,
        promoters,
        passives,
        detractors,
        {{ cs_safe_divide('promoters', 'responses') }} as pct_promoters,
        {{ cs_safe_divide('detractors', 'responses') }} as pct_detractors,
        {{ cs_safe_divide('100 * (promoters - detractors)', 'responses') }} as nps
    from dense_counts
)

select * from final
