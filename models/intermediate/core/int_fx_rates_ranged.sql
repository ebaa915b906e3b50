{# grain: one row per currency per rate period; USD is one period of rate 1 #}
{#- An amount valued on date d uses the latest rate on or before d, else the earliest after it:
    each rate holds from its rate_date (the first one from the beginning of time) until the next
    rate_date. Join on currency and valid_from <= d < valid_to. -#}
with

fx_rates as (
    select * from {{ ref('stg_billing__fx_rates') }}
    where currency <> 'USD'
),

ordered as (
    select
        currency,
        rate_date,
        usd_per_unit,
        row_number() over (partition by currency order by rate_date) as rate_number,
        lead(rate_date) over (partition by currency order by rate_date) as next_rate_date
    from fx_rates
),

ranged as (
    select
        currency,
        case when rate_number = 1 then cast('1900-01-01' as date) else rate_date end as valid_from,
        coalesce(next_rate_date, cast('9999-12-31' as date)) as valid_to,
        cast(usd_per_unit as decimal(18, 10)) as usd_per_unit
    from ordered
),

with_usd as (
    select * from ranged
    union all
    select
        'USD' as currency,
        cast('1900-01-01' as date) as valid_from,
        cast('9999-12-31' as date) as valid_to,
        cast(1 as decimal(18, 10)) as usd_per_unit
)

select * from with_usd
