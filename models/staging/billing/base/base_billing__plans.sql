{# grain: one row per distinct raw row of plans, clean or quarantined #}
{{ cs_validated_rows(
    source_name='billing',
    table_name='plans',
) }}
