{# grain: one row per distinct raw row of agents, clean or quarantined #}
{{ cs_validated_rows(
    source_name='support',
    table_name='agents',
    columns=[
        {'name': 'agent_id', 'required': true},
        {'name': 'agent_name'},
        {'name': 'team'},
        {'name': 'hired_at', 'type': 'date'},
    ],
) }}
