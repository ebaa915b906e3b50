{# grain: one row per distinct raw row of survey responses, clean or quarantined #}
{{ cs_validated_rows(
    source_name='surveys',
    table_name='survey_responses',
    checks=[
        {'when': "typed.survey_type = 'nps' and (typed.score < 0 or typed.score > 10)",
         'reason': 'nps score is outside 0-10'},
        {'when': "typed.survey_type in ('csat', 'ces') and (typed.score < 1 or typed.score > 5)",
         'reason': 'csat/ces score is outside 1-5'},
    ],
    references=[
        {'column': 'invitation_id', 'model': 'stg_surveys__survey_invitations',
         'to_column': 'invitation_id', 'table': 'survey_invitations'},
        {'column': 'customer_id', 'model': 'stg_billing__customers', 'to_column': 'customer_id',
         'table': 'customers'},
        {'column': 'ticket_id', 'model': 'stg_support__tickets', 'to_column': 'ticket_id',
         'table': 'tickets'},
    ],
    incremental=true,
) }}
