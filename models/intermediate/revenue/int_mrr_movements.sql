{# grain: one row per customer per month where starting_mrr > 0 or ending_mrr > 0 #}
{#- The MRR movement of each customer in each month (docs/metrics.md, Revenue): prev = MRR in m-1 (0
    before the first spine month), cur = MRR in m. Active months come from int_customer_months_mrr;
    a churn row is the month after an active month that is followed by an inactive one, written
    only when that month is in the spine. new vs reactivation: active in some month before m.
    Constant currency: when prev > 0 and cur > 0, expansion / contraction / retained compare
    cur_at_prev_rates (int_customer_months_mrr.mrr_at_prev_rates) with prev, and the rate move
    fx_impact_mrr = cur - cur_at_prev_rates is kept apart; it is 0 on every other row. -#}
{{ cs_incremental_recompute_config(['customer_id', 'month'], 'month') }}
with

months as (select * from {{ ref('int_months_spine') }}),
customer_months as (select * from {{ ref('int_customer_months_mrr') }}),

active_months as (
    select
        customer_id,
        segment,
        month,
        mrr,
        mrr_at_prev_rates,
        lag(month) over (partition by customer_id order by month) as previous_active_month,
        lag(mrr) over (partition by customer_id order by month) as previous_active_mrr,
        lead(month) over (partition by customer_id order by month) as next_active_month,
        min(month) over (partition by customer_id) as first_active_month
    from customer_months
),

active_rows as (
    select
        active_months.month,
        active_months.customer_id,
        active_months.segment,
        case
            when active_months.previous_active_month = months.previous_month
                then active_months.previous_active_mrr
            else 0
        end as starting_mrr,
        active_months.mrr as ending_mrr,
        active_months.mrr_at_prev_rates as ending_mrr_at_prev_rates,
        active_months.month > active_months.first_active_month as was_active_before
    from active_months
    inner join months on active_months.month = months.month
),

churn_rows as (
    select
        months.month,
        active_months.customer_id,
        active_months.segment,
        active_months.mrr as starting_mrr,
        0 as ending_mrr,
        0 as ending_mrr_at_prev_rates,
        true as was_active_before
    from active_months
    inner join months on active_months.month = months.previous_month
    where active_months.next_active_month is null or active_months.next_active_month > months.month
),

customer_month_rows as (
    select * from active_rows
    union all
    select * from churn_rows
),

typed as (
    select
        month,
        customer_id,
        segment,
        cast(starting_mrr as decimal(18, 2)) as starting_mrr,
        cast(ending_mrr as decimal(18, 2)) as ending_mrr,
        cast(ending_mrr_at_prev_rates as decimal(18, 2)) as ending_mrr_at_prev_rates,
        was_active_before
    from customer_month_rows
),

classified as (
    select
        month,
        customer_id,
        segment,
        starting_mrr,
        ending_mrr,
        ending_mrr_at_prev_rates,
        case
            when starting_mrr = 0 and not was_active_before then 'new'
            when starting_mrr = 0 then 'reactivation'
            when ending_mrr = 0 then 'churn'
            when ending_mrr_at_prev_rates > starting_mrr then 'expansion'
            when ending_mrr_at_prev_rates < starting_mrr then 'contraction'
            else 'retained'
        end as movement
    from typed
),

final as (
    select
        month,
        customer_id,
        segment,
        starting_mrr,
        ending_mrr,
        cast(case when movement = 'new' then ending_mrr else 0 end as decimal(18, 2)) as new_mrr,
        cast(case when movement = 'reactivation' then ending_mrr else 0 end as decimal(18, 2))
            as reactivation_mrr,
        cast(
            case when movement = 'expansion' then ending_mrr_at_prev_rates - starting_mrr else 0 end
            as decimal(18, 2)
        ) as expansion_mrr,
        cast(
            case when movement = 'contraction' then starting_mrr - ending_mrr_at_prev_rates else 0 end
            as decimal(18, 2)
        ) as contraction_mrr,
        cast(case when movement = 'churn' then starting_mrr else 0 end as decimal(18, 2)) as churned_mrr,
        cast(
            case
                when movement in ('expansion', 'contraction', 'retained') then ending_mrr - ending_mrr_at_prev_rates
                else 0
            end
            as decimal(18, 2)
        ) as fx_impact_mrr,
        movement
    from classified
    {% if is_incremental() %}where month >= {{ cs_recompute_from_month() }}{% endif %}
)

select * from final
{{ cs_recomputed_order('month') }}
