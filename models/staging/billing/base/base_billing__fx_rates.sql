{# grain: one row per distinct raw row of fx rates, clean or quarantined #}
{{ cs_validated_rows(
    source_name='billing',
    table_name='fx_rates',
) }}
