{#- The customer segments: the accepted values of customers.segment in the raw contract
    (cs_raw_contract); marts add segment = 'all' for the whole base. Empty while dbt parses. -#}
{% macro cs_segments() %}
    {%- set customers = cs_raw_contract().get('customers') -%}
    {%- if customers is none -%}
        {{ return([]) }}
    {%- endif -%}
    {{ return(customers.columns | selectattr('name', 'equalto', 'segment') | map(attribute='accepted') | first) }}
{% endmacro %}
