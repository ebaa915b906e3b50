{# grain: one row per distinct raw row of ticket interactions, clean or quarantined #}
{{ cs_validated_rows(
    source_name='support',
    table_name='ticket_interactions',
    references=[
        {'column': 'ticket_id', 'model': 'stg_support__tickets', 'to_column': 'ticket_id',
         'table': 'tickets'},
        {'column': 'agent_id', 'model': 'stg_support__agents', 'to_column': 'agent_id',
         'table': 'agents'},
    ],
    incremental=true,
) }}
