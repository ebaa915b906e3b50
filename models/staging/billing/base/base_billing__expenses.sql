{# grain: one row per distinct raw row of expenses, clean or quarantined #}
{{ cs_validated_rows(
    source_name='billing',
    table_name='expenses',
    checks=[
        {'when': 'extract(day from typed.expense_month) <> 1',
         'reason': 'expense_month is not the first day of a month'},
    ],
    currency_column='currency',
) }}
