{#- true when the whole text matches the regular expression (null for null text). DuckDB has
    regexp_full_match; Spark has rlike, anchored here at both ends (\z: no trailing newline). -#}
{% macro cs_regexp_full_match(expr, pattern) -%}
    {{ return(adapter.dispatch('cs_regexp_full_match', 'customer_success')(expr, pattern)) }}
{%- endmacro %}

{% macro default__cs_regexp_full_match(expr, pattern) -%}
    regexp_full_match({{ expr }}, '{{ pattern }}')
{%- endmacro %}

{% macro spark__cs_regexp_full_match(expr, pattern) -%}
    ({{ expr }} rlike '^(?:{{ pattern }})\\z')
{%- endmacro %}
