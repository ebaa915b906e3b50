{# grain: one row per customer per month in which its MRR movement is new #}
{#- The customers won in each month (MRR movement `new` in int_mrr_movements: first month ever
    with MRR > 0) and whether the account names a referring customer (referred_by_customer_id). -#}
with

movements as (select * from {{ ref('int_mrr_movements') }}),
customers as (select * from {{ ref('stg_billing__customers') }}),

final as (
    select
        movements.month,
        movements.customer_id,
        movements.segment,
        customers.referred_by_customer_id,
        customers.referred_by_customer_id is not null as is_referred
    from movements
    left join customers
        on movements.customer_id = customers.customer_id
    where movements.movement = 'new'
)

select * from final
