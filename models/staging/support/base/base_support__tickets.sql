{# grain: one row per distinct raw row of tickets, clean or quarantined #}
{{ cs_validated_rows(
    source_name='support',
    table_name='tickets',
    columns=[
        {'name': 'ticket_id', 'required': true},
        {'name': 'customer_id', 'required': true},
        {'name': 'created_at', 'type': 'timestamp', 'required': true},
        {'name': 'first_response_at', 'type': 'timestamp'},
        {'name': 'resolved_at', 'type': 'timestamp'},
        {'name': 'status', 'required': true,
         'accepted': ['new', 'open', 'pending', 'solved', 'closed']},
        {'name': 'severity', 'type': 'int', 'required': true, 'min': 1, 'max': 4},
        {'name': 'channel', 'required': true,
         'accepted': ['email', 'chat', 'phone', 'social', 'web']},
        {'name': 'category'},
        {'name': 'assignee_agent_id'},
        {'name': 'reopened_count', 'type': 'int', 'required': true, 'min': 0},
    ],
    checks=[
        {'when': 'typed.first_response_at < typed.created_at',
         'reason': 'first_response_at is before created_at'},
        {'when': 'typed.resolved_at < typed.created_at',
         'reason': 'resolved_at is before created_at'},
    ],
    references=[
        {'column': 'customer_id', 'model': 'stg_billing__customers', 'to_column': 'customer_id',
         'table': 'customers'},
        {'column': 'assignee_agent_id', 'model': 'stg_support__agents', 'to_column': 'agent_id',
         'table': 'agents'},
    ],
    incremental_bucket='created_at',
) }}
