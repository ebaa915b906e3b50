{#- The raw data contract (../shared/contract/raw_data.md) as data: for every raw table, whether it
    is required, the dbt source it belongs to, its key, and its columns. The loader validates files
    against it and the staging models read it, so the contract is written down once. -#}
{% macro raw_contract() %}
    {{ return({
        'customers': {
            'source': 'billing', 'required': true, 'key': ['customer_id'],
            'columns': ['customer_id', 'customer_name', 'segment', 'country', 'industry',
                        'signed_up_at', 'acquisition_channel', 'referred_by_customer_id',
                        'onboarding_completed_at', 'first_value_at']},
        'plans': {
            'source': 'billing', 'required': true, 'key': ['plan_id'],
            'columns': ['plan_id', 'plan_name', 'tier', 'billing_interval', 'list_price', 'currency']},
        'subscriptions': {
            'source': 'billing', 'required': true, 'key': ['subscription_id', 'valid_from'],
            'columns': ['subscription_id', 'customer_id', 'plan_id', 'valid_from', 'valid_to',
                        'is_trial', 'seats', 'recurring_amount', 'billing_interval', 'currency',
                        'cancel_reason']},
        'invoices': {
            'source': 'billing', 'required': true, 'key': ['invoice_id'],
            'columns': ['invoice_id', 'customer_id', 'subscription_id', 'invoice_type', 'issued_at',
                        'due_date', 'amount', 'currency', 'status', 'paid_at']},
        'fx_rates': {
            'source': 'billing', 'required': false, 'key': ['rate_date', 'currency'],
            'columns': ['rate_date', 'currency', 'usd_per_unit']},
        'expenses': {
            'source': 'billing', 'required': false, 'key': ['expense_id'],
            'columns': ['expense_id', 'expense_month', 'cost_type', 'category', 'amount', 'currency']},
        'agents': {
            'source': 'support', 'required': true, 'key': ['agent_id'],
            'columns': ['agent_id', 'agent_name', 'team', 'hired_at']},
        'tickets': {
            'source': 'support', 'required': true, 'key': ['ticket_id'],
            'columns': ['ticket_id', 'customer_id', 'created_at', 'first_response_at', 'resolved_at',
                        'status', 'severity', 'channel', 'category', 'assignee_agent_id',
                        'reopened_count']},
        'ticket_interactions': {
            'source': 'support', 'required': true, 'key': ['interaction_id'],
            'columns': ['interaction_id', 'ticket_id', 'agent_id', 'channel', 'started_at',
                        'talk_seconds', 'hold_seconds', 'after_work_seconds']},
        'survey_invitations': {
            'source': 'surveys', 'required': false, 'key': ['invitation_id'],
            'columns': ['invitation_id', 'customer_id', 'survey_type', 'channel', 'touchpoint',
                        'ticket_id', 'sent_at']},
        'survey_responses': {
            'source': 'surveys', 'required': true, 'key': ['response_id'],
            'columns': ['response_id', 'invitation_id', 'customer_id', 'survey_type', 'score',
                        'responded_at', 'touchpoint', 'ticket_id', 'comment']},
        'product_usage': {
            'source': 'product', 'required': false, 'key': ['customer_id', 'usage_date'],
            'columns': ['customer_id', 'usage_date', 'active_users', 'sessions',
                        'key_feature_events']},
        'engagement_events': {
            'source': 'product', 'required': false, 'key': ['event_id'],
            'columns': ['event_id', 'customer_id', 'event_type', 'occurred_at']},
    }) }}
{% endmacro %}
