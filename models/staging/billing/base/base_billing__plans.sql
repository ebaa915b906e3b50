{# grain: one row per distinct raw row of plans, clean or quarantined #}
{{ cs_validated_rows(
    source_name='billing',
    table_name='plans',
    columns=[
        {'name': 'plan_id', 'required': true},
        {'name': 'plan_name'},
        {'name': 'tier'},
        {'name': 'billing_interval', 'required': true, 'accepted': ['month', 'quarter', 'year']},
        {'name': 'list_price', 'type': 'decimal', 'required': true, 'min': 0},
        {'name': 'currency', 'required': true},
    ],
) }}
