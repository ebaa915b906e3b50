{# grain: one row per distinct raw row of agents, clean or quarantined #}
{{ cs_validated_rows(
    source_name='support',
    table_name='agents',
) }}
