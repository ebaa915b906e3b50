{# grain: exactly one row: what this run's incremental models recompute #}
{#- The first month the incremental models recompute in this run (recompute_from_month): the
    earliest of
    - every bucket month whose clean source rows differ from the last committed build
      (int_source_months_fingerprinted; a late row, a correction, a row newly quarantined, e.g.
      the kept twin of a late row with the same key, all change their month's fingerprint);
    - the month of the earlier of the previous and the current as_of_date minus var
      incremental_lookback_days (default 3): the as-of month's snapshot moves with as_of_date;
    - the month of any row whose first response, resolution, payment, onboarding or first value
      falls between the previous and the current as_of_date (it was masked as "not yet").
    Everything from 1900-01-01 (= a full recompute) when there is no committed build to compare
    with or as_of_date went back. Months before recompute_from_month are provably unchanged. -#}
{%- set lookback_days = var('incremental_lookback_days', 3) -%}
{%- if lookback_days is not number or lookback_days < 0 or lookback_days != lookback_days | int -%}
    {{ exceptions.raise_compiler_error(
        'var incremental_lookback_days must be a whole number >= 0, got: ' ~ lookback_days) }}
{%- endif %}
with

as_of as (select * from {{ ref('int_as_of_date') }}),
fingerprints as (select * from {{ ref('int_source_months_fingerprinted') }}),
tickets as (select * from {{ ref('stg_support__tickets') }}),
invoices as (select * from {{ ref('stg_billing__invoices') }}),
customers as (select * from {{ ref('stg_billing__customers') }}),

current_prints as (
    select *
    from fingerprints
    where build_id = '{{ invocation_id }}'
),

baseline_build as (
    select
        build_id,
        max(built_at) as built_at,
        max(as_of_date) as as_of_date
    from fingerprints
    where is_committed and build_id <> '{{ invocation_id }}'
    group by build_id
    order by built_at desc
    limit 1
),

baseline_prints as (
    select fingerprints.*
    from fingerprints
    inner join baseline_build on fingerprints.build_id = baseline_build.build_id
),

changed_months as (
    select min(coalesce(current_prints.month, baseline_prints.month)) as changed_from_month
    from current_prints
    full outer join baseline_prints
        on
            current_prints.source_table = baseline_prints.source_table
            and current_prints.month = baseline_prints.month
    where
        current_prints.fingerprint is null
        or baseline_prints.fingerprint is null
        or current_prints.fingerprint <> baseline_prints.fingerprint
        or current_prints.row_count <> baseline_prints.row_count
),

dates as (
    select
        as_of.as_of_date,
        as_of.as_of_end_at,
        baseline_build.as_of_date as baseline_as_of_date,
        cast({{ dbt.dateadd('day', 1, 'baseline_build.as_of_date') }} as timestamp) as baseline_end_at
    from as_of
    left join baseline_build on 1 = 1
),

unmasked_months as (
    select cast({{ dbt.date_trunc('month', 'tickets.created_at') }} as date) as month
    from tickets
    cross join dates
    where
        (tickets.first_response_at >= dates.baseline_end_at and tickets.first_response_at < dates.as_of_end_at)
        or (tickets.resolved_at >= dates.baseline_end_at and tickets.resolved_at < dates.as_of_end_at)
    union all
    select cast({{ dbt.date_trunc('month', 'invoices.issued_at') }} as date) as month
    from invoices
    cross join dates
    where invoices.paid_at >= dates.baseline_end_at and invoices.paid_at < dates.as_of_end_at
    union all
    select cast({{ dbt.date_trunc('month', 'customers.signed_up_at') }} as date) as month
    from customers
    cross join dates
    where
        (
            customers.onboarding_completed_at >= dates.baseline_end_at
            and customers.onboarding_completed_at < dates.as_of_end_at
        )
        or (customers.first_value_at >= dates.baseline_end_at and customers.first_value_at < dates.as_of_end_at)
),

candidates as (
    select changed_from_month as month from changed_months
    union all
    select min(month) from unmasked_months
    union all
    select
        cast({{ dbt.date_trunc('month', dbt.dateadd('day', -lookback_days,
            'least(dates.as_of_date, coalesce(dates.baseline_as_of_date, dates.as_of_date))')) }} as date)
    from dates
),

final as (
    select
        dates.as_of_date,
        dates.baseline_as_of_date,
        case
            when dates.baseline_as_of_date is null or dates.as_of_date < dates.baseline_as_of_date
                then cast('1900-01-01' as date)
            else (select min(candidates.month) from candidates)
        end as recompute_from_month
    from dates
)

select * from final
