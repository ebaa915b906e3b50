{#- Use the configured schema name as is (staging, intermediate, marts, audit), not
    <target_schema>_<schema>: the contract names the schemas `marts` and `audit`. -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
