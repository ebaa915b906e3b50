{# grain: one row per distinct raw row of subscription versions, clean or quarantined #}
{{ cs_validated_rows(
    source_name='billing',
    table_name='subscriptions',
    columns=[
        {'name': 'subscription_id', 'required': true},
        {'name': 'customer_id', 'required': true},
        {'name': 'plan_id', 'required': true},
        {'name': 'valid_from', 'type': 'date', 'required': true},
        {'name': 'valid_to', 'type': 'date'},
        {'name': 'is_trial', 'type': 'bool', 'required': true},
        {'name': 'seats', 'type': 'int', 'required': true, 'min': 0},
        {'name': 'recurring_amount', 'type': 'decimal', 'required': true, 'min': 0},
        {'name': 'billing_interval', 'required': true, 'accepted': ['month', 'quarter', 'year']},
        {'name': 'currency', 'required': true},
        {'name': 'cancel_reason'},
    ],
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
