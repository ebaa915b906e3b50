{#- A weighted mean lies between its smallest and largest component, whatever the weights, and the
    main risk factor is a component scoring no more than the health score. Returns the rows that
    break it (0.01 of slack for the rounding to 2 decimals). -#}
with

health as (select * from {{ ref('mart_customer_health') }}),

checked as (
    select
        customer_id,
        month,
        health_score,
        main_risk_factor,
        least(
            usage_score, spend_trend_score, support_score, sentiment_score, payment_score, engagement_score
        ) as lowest_component,
        greatest(
            usage_score, spend_trend_score, support_score, sentiment_score, payment_score, engagement_score
        ) as highest_component,
        case main_risk_factor
            when 'usage' then usage_score
            when 'spend_trend' then spend_trend_score
            when 'support' then support_score
            when 'sentiment' then sentiment_score
            when 'payment' then payment_score
            when 'engagement' then engagement_score
        end as risk_factor_score
    from health
)

select * from checked
where health_score < lowest_component - 0.01
    or health_score > highest_component + 0.01
    or risk_factor_score is null
    or risk_factor_score > health_score + 0.01
