{# grain: one row per distinct raw row of survey invitations, clean or quarantined #}
{{ cs_validated_rows(
    source_name='surveys',
    table_name='survey_invitations',
    columns=[
        {'name': 'invitation_id', 'required': true},
        {'name': 'customer_id', 'required': true},
        {'name': 'survey_type', 'required': true, 'accepted': ['nps', 'csat', 'ces']},
        {'name': 'channel', 'required': true, 'accepted': ['email', 'sms', 'in_app', 'chat']},
        {'name': 'touchpoint', 'required': true,
         'accepted': ['onboarding', 'support', 'purchase', 'renewal', 'relationship']},
        {'name': 'ticket_id'},
        {'name': 'sent_at', 'type': 'timestamp', 'required': true},
    ],
    references=[
        {'column': 'customer_id', 'model': 'stg_billing__customers', 'to_column': 'customer_id',
         'table': 'customers'},
        {'column': 'ticket_id', 'model': 'stg_support__tickets', 'to_column': 'ticket_id',
         'table': 'tickets'},
    ],
    incremental_bucket='sent_at',
) }}
