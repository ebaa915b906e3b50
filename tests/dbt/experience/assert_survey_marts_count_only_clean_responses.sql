{# grain: one row per month x survey_type where the marts' counts differ from the clean responses #}
{#- A score outside its scale (nps 0-10, csat and ces 1-5) is quarantined in staging and never
    reaches a mart: per month and survey type, the 'all' counts of mart_nps and
    mart_customer_experience equal the clean responses (on or before as_of_date) with an
    in-scale score, and every clean response is in scale. -#}
with

as_of as (select * from {{ ref('int_as_of_date') }}),
responses as (select * from {{ ref('stg_surveys__survey_responses') }}),
nps as (select * from {{ ref('mart_nps') }}),
customer_experience as (select * from {{ ref('mart_customer_experience') }}),

clean_counts as (
    select
        cast({{ dbt.date_trunc('month', 'responses.responded_at') }} as date) as month,
        responses.survey_type,
        count(*) as clean_responses,
        sum(
            case
                when responses.survey_type = 'nps' and responses.score between 0 and 10 then 1
                when responses.survey_type in ('csat', 'ces') and responses.score between 1 and 5 then 1
                else 0
            end
        ) as in_scale_responses
    from responses
    cross join as_of
    where responses.responded_at < as_of.as_of_end_at
    group by
        cast({{ dbt.date_trunc('month', 'responses.responded_at') }} as date),
        responses.survey_type
),

mart_counts as (
    select month, 'nps' as survey_type, responses as mart_responses
    from nps
    where segment = 'all'
    union all
    select month, 'csat' as survey_type, csat_responses as mart_responses
    from customer_experience
    where segment = 'all'
    union all
    select month, 'ces' as survey_type, ces_responses as mart_responses
    from customer_experience
    where segment = 'all'
),

compared as (
    select
        coalesce(mart_counts.month, clean_counts.month) as month,
        coalesce(mart_counts.survey_type, clean_counts.survey_type) as survey_type,
        coalesce(mart_counts.mart_responses, 0) as mart_responses,
        coalesce(clean_counts.clean_responses, 0) as clean_responses,
        coalesce(clean_counts.in_scale_responses, 0) as in_scale_responses
    from mart_counts
    full outer join clean_counts
        on
            mart_counts.month = clean_counts.month
            and mart_counts.survey_type = clean_counts.survey_type
),

final as (
    select *
    from compared
    where
        mart_responses <> in_scale_responses
        or clean_responses <> in_scale_responses
)

select * from final
