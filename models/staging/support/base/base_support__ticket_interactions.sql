{# grain: one row per distinct raw row of ticket interactions, clean or quarantined #}
{{ cs_validated_rows(
    source_name='support',
    table_name='ticket_interactions',
    columns=[
        {'name': 'interaction_id', 'required': true},
        {'name': 'ticket_id', 'required': true},
        {'name': 'agent_id', 'required': true},
        {'name': 'channel', 'required': true,
         'accepted': ['email', 'chat', 'phone', 'social', 'web']},
        {'name': 'started_at', 'type': 'timestamp', 'required': true},
        {'name': 'talk_seconds', 'type': 'int', 'required': true, 'min': 0},
        {'name': 'hold_seconds', 'type': 'int', 'required': true, 'min': 0},
        {'name': 'after_work_seconds', 'type': 'int', 'required': true, 'min': 0},
    ],
    references=[
        {'column': 'ticket_id', 'model': 'stg_support__tickets', 'to_column': 'ticket_id',
         'table': 'tickets'},
        {'column': 'agent_id', 'model': 'stg_support__agents', 'to_column': 'agent_id',
         'table': 'agents'},
    ],
    incremental_bucket='started_at',
) }}
