{# grain: one row per distinct raw row of engagement events, clean or quarantined #}
{{ cs_validated_rows(
    source_name='product',
    table_name='engagement_events',
    columns=[
        {'name': 'event_id', 'required': true},
        {'name': 'customer_id', 'required': true},
        {'name': 'event_type', 'required': true,
         'accepted': ['email_sent', 'email_opened', 'training_completed', 'webinar_attended',
                      'referral_made', 'social_mention']},
        {'name': 'occurred_at', 'type': 'timestamp', 'required': true},
    ],
    references=[
        {'column': 'customer_id', 'model': 'stg_billing__customers', 'to_column': 'customer_id',
         'table': 'customers'},
    ],
    incremental_bucket='occurred_at',
) }}
