{#- The validators (staging base models), one per raw table of the contract: raw table -> model
    name, in contract order. A validator is the model that reads the table's source; a contract
    table without exactly one is an error. Empty while dbt parses. -#}
{% macro cs_base_models() %}
    {%- if not execute -%}
        {{ return({}) }}
    {%- endif -%}
    {%- set readers = {} -%}
    {%- for node in graph.nodes.values() if node.resource_type == 'model' -%}
        {%- for parent in node.depends_on.nodes if parent.startswith('source.') -%}
            {%- do readers.update({parent: readers.get(parent, []) + [node.name]}) -%}
        {%- endfor -%}
    {%- endfor -%}
    {%- set base_models = {} -%}
    {%- for table_name, table in cs_raw_contract().items() -%}
        {%- set models = readers.get('source.' ~ project_name ~ '.' ~ table.source ~ '.' ~ table_name, []) -%}
        {%- if models | length != 1 -%}
            {{ exceptions.raise_compiler_error('raw table ' ~ table_name ~ ' needs exactly one validator model reading its source, found: '
                ~ (models | join(', ') or 'none')) }}
        {%- endif -%}
        {%- do base_models.update({table_name: models[0]}) -%}
    {%- endfor -%}
    {{ return(base_models) }}
{% endmacro %}

{#- Refs to every validator, for the models that read them all (the audit relations). dbt records
    a model's refs while it parses, before the contract can be read, so they are named here; at
    run time such a model refs the validators of cs_base_models(), and dbt stops with an error
    naming the validator if one is missing here. -#}
{% macro cs_base_model_refs() %}
    {%- do ref('base_billing__customers') -%}
    {%- do ref('base_billing__expenses') -%}
    {%- do ref('base_billing__fx_rates') -%}
    {%- do ref('base_billing__invoices') -%}
    {%- do ref('base_billing__plans') -%}
    {%- do ref('base_billing__subscriptions') -%}
    {%- do ref('base_product__engagement_events') -%}
    {%- do ref('base_product__usage') -%}
    {%- do ref('base_support__agents') -%}
    {%- do ref('base_support__ticket_interactions') -%}
    {%- do ref('base_support__tickets') -%}
    {%- do ref('base_surveys__survey_invitations') -%}
    {%- do ref('base_surveys__survey_responses') -%}
{% endmacro %}
