{# grain: one row per distinct raw row of daily product usage, clean or quarantined #}
{{ cs_validated_rows(
    source_name='product',
    table_name='product_usage',
    columns=[
        {'name': 'customer_id', 'required': true},
        {'name': 'usage_date', 'type': 'date', 'required': true},
        {'name': 'active_users', 'type': 'int', 'required': true, 'min': 0},
        {'name': 'sessions', 'type': 'int', 'required': true, 'min': 0},
        {'name': 'key_feature_events', 'type': 'int', 'required': true, 'min': 0},
    ],
    references=[
        {'column': 'customer_id', 'model': 'stg_billing__customers', 'to_column': 'customer_id',
         'table': 'customers'},
    ],
    incremental_bucket='usage_date',
) }}
