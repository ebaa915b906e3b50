{# grain: one row per distinct raw row of daily product usage, clean or quarantined #}
{{ cs_validated_rows(
    source_name='product',
    table_name='product_usage',
    references=[
        {'column': 'customer_id', 'model': 'stg_billing__customers', 'to_column': 'customer_id',
         'table': 'customers'},
    ],
    incremental=true,
) }}
