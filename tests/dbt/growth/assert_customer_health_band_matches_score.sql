{#- Every account's band follows its health score and the band thresholds (vars
    health_band_green_min, health_band_yellow_min): green >= green_min, yellow >= yellow_min, red
    below. Returns the rows that disagree. -#}
with

health as (select * from {{ ref('mart_customer_health') }}),

expected as (
    select
        customer_id,
        month,
        health_score,
        health_band,
        case
            when health_score >= {{ var('health_band_green_min') }} then 'green'
            when health_score >= {{ var('health_band_yellow_min') }} then 'yellow'
            else 'red'
        end as expected_band
    from health
)

select * from expected
where health_band <> expected_band
