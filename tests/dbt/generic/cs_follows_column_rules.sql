{#- Data test: every column rule written in the model's column meta holds (`required`, `accepted`,
    `min`, `max`, `min_exclusive`: the raw contract's vocabulary, docs/adding-a-model.md). One row
    per broken rule, with how many rows break it; one scan of the model for all its rules. -#}
{% test cs_follows_column_rules(model) %}
{%- if not execute -%}
select 1 as broken_rule
{%- else -%}
{%- set nodes = graph.nodes.values() | selectattr('resource_type', 'equalto', 'model')
    | selectattr('schema', 'equalto', model.schema) | list -%}
{%- set matching = [] -%}
{%- for node in nodes if (node.alias or node.name) == model.identifier -%}
    {%- do matching.append(node) -%}
{%- endfor -%}
{%- if matching | length != 1 -%}
    {{ exceptions.raise_compiler_error('cs_follows_column_rules: no single model is ' ~ model) }}
{%- endif -%}
{%- set columns = [] -%}
{%- for column in matching[0].columns.values() -%}
    {%- set meta = column.meta -%}
    {%- for key in meta if key not in ('required', 'accepted', 'min', 'max', 'min_exclusive') -%}
        {{ exceptions.raise_compiler_error('cs_follows_column_rules: ' ~ model.identifier ~ '.'
            ~ column.name ~ ' has meta ' ~ key ~ ', not a column rule (required, accepted, min, max, min_exclusive)') }}
    {%- endfor -%}
    {%- set rules = cs_column_rules(column) -%}
    {%- if rules.required or rules.accepted or rules.min is not none or rules.max is not none -%}
        {%- do columns.append(rules) -%}
    {%- endif -%}
{%- endfor -%}
{{ cs_broken_rules(model, columns) }}
{%- endif -%}
{% endtest %}
