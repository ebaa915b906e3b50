{# grain: one row per distinct raw row of subscription versions, clean or quarantined #}
{{ cs_validated_rows(
    source_name='billing',
    table_name='subscriptions',
    checks=[
        {'when': 'typed.valid_to <= typed.valid_from', 'reason': 'valid_to is not after valid_from'},
        {'when': 'typed.is_trial and typed.recurring_amount <> 0',
         'reason': 'trial version with a non-zero recurring_amount'},
    ],
    references=[
        {'column': 'customer_id', 'model': 'stg_billing__customers', 'to_column': 'customer_id',
         'table': 'customers'},
        {'column': 'plan_id', 'model': 'stg_billing__plans', 'to_column': 'plan_id',
         'table': 'plans'},
    ],
    currency_column='currency',
) }}
