{# grain: one row per distinct raw row of customers, clean or quarantined #}
{{ cs_validated_rows(
    source_name='billing',
    table_name='customers',
    checks=[
        {'when': 'typed.onboarding_completed_at < typed.signed_up_at',
         'reason': 'onboarding_completed_at is before signed_up_at'},
        {'when': 'typed.first_value_at < typed.signed_up_at',
         'reason': 'first_value_at is before signed_up_at'},
    ],
    references=[
        {'column': 'referred_by_customer_id', 'self': true, 'to_column': 'customer_id',
         'table': 'customers'},
    ],
) }}
