{#- The query of the rule tests (cs_follows_raw_contract, cs_follows_column_rules): one row per
    broken rule, with how many rows of `relation` break it; no row when every rule holds.

    `columns` are dicts in the raw contract's vocabulary: name, required (no null), accepted
    (a list of values), min (with min_exclusive), max. Nulls pass every rule but required, as in
    dbt's own tests. `key`, when given, must also be unique. All rules are counted in one scan. -#}
{% macro cs_broken_rules(relation, columns, key=[]) %}
{%- set rules = [] -%}
{%- for column in columns -%}
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
{%- if not rules and not key -%}
    {{ exceptions.raise_compiler_error('cs_broken_rules on ' ~ relation ~ ': no rule to check') }}
{%- endif -%}
with

{% if rules -%}
rule_counts as (
    select
        {% for rule in rules -%}
        sum(case when {{ rule[1] }} then 1 else 0 end) as rule_{{ loop.index }}{{ ',' if not loop.last }}
        {% endfor -%}
    from {{ relation }}
),

{% endif -%}
{% if key -%}
repeated_keys as (
    select {{ key | join(', ') }}
    from {{ relation }}
    group by {{ key | join(', ') }}
    having count(*) > 1
),

{% endif -%}
broken_rules as (
    {% for rule in rules -%}
    select '{{ rule[0] }}' as broken_rule, rule_{{ loop.index }} as rows_breaking
    from rule_counts
    where rule_{{ loop.index }} > 0
    {{ 'union all' if not loop.last or key }}
    {% endfor -%}
    {% if key -%}
    select 'key ({{ key | join(", ") }}) is not unique' as broken_rule, count(*) as rows_breaking
    from repeated_keys
    having count(*) > 0
    {%- endif %}
)

select * from broken_rules
{%- endmacro %}


{#- A column's rules read from its meta, in the vocabulary cs_broken_rules checks (the raw
    contract's and the models' column rules share it). -#}
{% macro cs_column_rules(column) %}
    {%- set meta = column.meta -%}
    {{ return({
        'name': column.name,
        'required': meta.get('required', false),
        'accepted': meta.get('accepted'),
        'min': meta.get('min'),
        'max': meta.get('max'),
        'min_exclusive': meta.get('min_exclusive', false),
    }) }}
{%- endmacro %}
