{# grain: one row per distinct raw row of invoices and credit notes, clean or quarantined #}
{{ cs_validated_rows(
    source_name='billing',
    table_name='invoices',
    checks=[
        {'when': 'typed.due_date < cast(typed.issued_at as date)',
         'reason': 'due_date is before the issue date'},
        {'when': "typed.invoice_type = 'invoice' and typed.amount <= 0",
         'reason': 'invoice amount is not positive'},
        {'when': "typed.invoice_type = 'credit_note' and typed.amount >= 0",
         'reason': 'credit_note amount is not negative'},
        {'when': "typed.status = 'paid' and typed.paid_at is null and typed.raw__paid_at is null",
         'reason': 'status is paid but paid_at is missing'},
        {'when': "typed.status <> 'paid' and typed.paid_at is not null",
         'reason': 'paid_at is set but status is not paid'},
    ],
    references=[
        {'column': 'customer_id', 'model': 'stg_billing__customers', 'to_column': 'customer_id',
         'table': 'customers'},
        {'column': 'subscription_id', 'model': 'stg_billing__subscriptions',
         'to_column': 'subscription_id', 'table': 'subscriptions'},
    ],
    currency_column='currency',
    incremental=true,
) }}
