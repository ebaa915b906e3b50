{#- Data test: the rows of a clean staging model follow every column rule of their raw table in
    the raw contract (required values present, only accepted values, within min and max) and
    their key is unique. One row per broken rule, with how many rows break it. -#}
{% test cs_follows_raw_contract(model, raw_table) %}
{%- set table = cs_raw_table(raw_table) if execute else {'key': [], 'columns': []} -%}
{%- set rules = [] -%}
{%- for column in table.columns -%}
    {%- set name = column.name -%}
    {%- if column.required -%}
        {%- do rules.append((name ~ ' is missing', name ~ ' is null')) -%}
    {%- endif -%}
    {%- if column.accepted -%}
        {%- set quoted = [] -%}
        {%- for value in column.accepted -%}{%- do quoted.append("'" ~ value ~ "'") -%}{%- endfor -%}
        {%- do rules.append((name ~ ' is not one of ' ~ (column.accepted | join(', ')),
            name ~ ' not in (' ~ (quoted | join(', ')) ~ ')')) -%}
    {%- endif -%}
    {%- if column.min is not none -%}
        {%- do rules.append((name ~ ' is below its ' ~ ('exclusive ' if column.min_exclusive else '') ~ 'minimum ' ~ column.min,
            name ~ (' <= ' if column.min_exclusive else ' < ') ~ column.min)) -%}
    {%- endif -%}
    {%- if column.max is not none -%}
        {%- do rules.append((name ~ ' is above its maximum ' ~ column.max, name ~ ' > ' ~ column.max)) -%}
    {%- endif -%}
{%- endfor -%}
with

rule_counts as (
    select
        {% for rule in rules -%}
        sum(case when {{ rule[1] }} then 1 else 0 end) as rule_{{ loop.index }}{{ ',' if not loop.last }}
        {% endfor -%}
    from {{ model }}
),

repeated_keys as (
    select {{ table.key | join(', ') }}
    from {{ model }}
    group by {{ table.key | join(', ') }}
    having count(*) > 1
),

broken_rules as (
    {% for rule in rules -%}
    select '{{ rule[0] }}' as broken_rule, rule_{{ loop.index }} as rows_breaking
    from rule_counts
    where rule_{{ loop.index }} > 0
    union all
    {% endfor -%}
    select 'key ({{ table.key | join(", ") }}) is not unique' as broken_rule, count(*) as rows_breaking
    from repeated_keys
    having count(*) > 0
)

select * from broken_rules
{% endtest %}
