{#- The staging base models, one per raw table (model name -> raw table name): the inputs of the
    audit relations. -#}
{% macro cs_base_models() %}
    {{ return({
        'base_billing__customers': 'customers',
        'base_billing__plans': 'plans',
        'base_billing__subscriptions': 'subscriptions',
        'base_billing__invoices': 'invoices',
        'base_billing__fx_rates': 'fx_rates',
        'base_billing__expenses': 'expenses',
        'base_support__agents': 'agents',
        'base_support__tickets': 'tickets',
        'base_support__ticket_interactions': 'ticket_interactions',
        'base_surveys__survey_invitations': 'survey_invitations',
        'base_surveys__survey_responses': 'survey_responses',
        'base_product__usage': 'product_usage',
        'base_product__engagement_events': 'engagement_events',
    }) }}
{% endmacro %}
