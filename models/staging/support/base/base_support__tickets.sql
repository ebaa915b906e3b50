{# grain: one row per distinct raw row of tickets, clean or quarantined #}
{{ cs_validated_rows(
    source_name='support',
    table_name='tickets',
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
    incremental=true,
) }}
