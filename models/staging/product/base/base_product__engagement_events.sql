{# grain: one row per distinct raw row of engagement events, clean or quarantined #}
{{ cs_validated_rows(
    source_name='product',
    table_name='engagement_events',
    references=[
        {'column': 'customer_id', 'model': 'stg_billing__customers', 'to_column': 'customer_id',
         'table': 'customers'},
    ],
    incremental=true,
) }}
