{# grain: one row per distinct raw row of survey invitations, clean or quarantined #}
{{ cs_validated_rows(
    source_name='surveys',
    table_name='survey_invitations',
    references=[
        {'column': 'customer_id', 'model': 'stg_billing__customers', 'to_column': 'customer_id',
         'table': 'customers'},
        {'column': 'ticket_id', 'model': 'stg_support__tickets', 'to_column': 'ticket_id',
         'table': 'tickets'},
    ],
    incremental=true,
) }}
