{#- Data test: the rows of a clean staging model follow every column rule of their raw table in
    the raw contract (required values present, only accepted values, within min and max) and
    their key is unique. One row per broken rule, with how many rows break it. -#}
{% test cs_follows_raw_contract(model, raw_table) %}
{%- if not execute -%}
select 1 as broken_rule
{%- else -%}
{%- set table = cs_raw_table(raw_table) -%}
{{ cs_broken_rules(model, table.columns, table.key) }}
{%- endif -%}
{% endtest %}
