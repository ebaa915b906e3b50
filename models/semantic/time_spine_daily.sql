{# grain: one row per calendar day from 2000-01-01 to 2039-12-31 #}
{#- MetricFlow's time spine (time_spine: in time_spine_daily.yml). Every metric of
    the semantic layer is monthly; MetricFlow needs a daily spine to align metric_time. The fixed
    range covers any realistic as_of_date and costs 14,610 rows. -#}
with

days as (
    {{ dbt.date_spine('day', "cast('2000-01-01' as date)", "cast('2040-01-01' as date)") }}
),

final as (
    select cast(date_day as date) as date_day
    from days
)

select * from final
