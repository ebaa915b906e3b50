{# grain: one row per distinct raw row of expenses, clean or quarantined #}
{{ cs_validated_rows(
    source_name='billing',
    table_name='expenses',
    columns=[
        {'name': 'expense_id', 'required': true},
        {'name': 'expense_month', 'type': 'date', 'required': true},
        {'name': 'cost_type', 'required': true, 'accepted': ['acquisition', 'retention']},
        {'name': 'category'},
        {'name': 'amount', 'type': 'decimal', 'required': true, 'min': 0},
        {'name': 'currency', 'required': true},
    ],
    checks=[
        {'when': 'extract(day from typed.expense_month) <> 1',
         'reason': 'expense_month is not the first day of a month'},
    ],
    currency_column='currency',
) }}
