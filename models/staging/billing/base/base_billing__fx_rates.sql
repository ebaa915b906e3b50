{# grain: one row per distinct raw row of fx rates, clean or quarantined #}
{{ cs_validated_rows(
    source_name='billing',
    table_name='fx_rates',
    columns=[
        {'name': 'rate_date', 'type': 'date', 'required': true},
        {'name': 'currency', 'required': true},
        {'name': 'usd_per_unit', 'type': 'decimal', 'scale': 10, 'required': true, 'min': 0,
         'min_exclusive': true},
    ],
) }}
