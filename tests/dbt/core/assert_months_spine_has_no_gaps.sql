{# grain: one row per spine month whose previous spine month is not the calendar month before #}
{#- The month spine every monthly model starts from is gap-free: consecutive months, numbered 1..n. -#}
with

months as (select * from {{ ref('int_months_spine') }}),

ordered as (
    select
        month,
        month_number,
        previous_month,
        lag(month) over (order by month) as previous_spine_month,
        row_number() over (order by month) as position
    from months
)

select * from ordered
where
    month_number <> position
    or (position > 1 and previous_spine_month <> previous_month)
