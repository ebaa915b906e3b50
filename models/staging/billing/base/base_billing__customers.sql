{# grain: one row per distinct raw row of customers, clean or quarantined #}
{{ cs_validated_rows(
    source_name='billing',
    table_name='customers',
    columns=[
        {'name': 'customer_id', 'required': true},
        {'name': 'customer_name'},
        {'name': 'segment', 'required': true, 'accepted': ['smb', 'mid_market', 'enterprise']},
        {'name': 'country'},
        {'name': 'industry'},
        {'name': 'signed_up_at', 'type': 'timestamp', 'required': true},
        {'name': 'acquisition_channel', 'required': true,
         'accepted': ['organic', 'paid', 'partner', 'referral', 'outbound']},
        {'name': 'referred_by_customer_id'},
        {'name': 'onboarding_completed_at', 'type': 'timestamp'},
        {'name': 'first_value_at', 'type': 'timestamp'},
    ],
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
