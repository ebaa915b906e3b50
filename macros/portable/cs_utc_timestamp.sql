{#- ISO 8601 text (already checked against the timestamp pattern) as a UTC timestamp without
    zone; null when it is not a real instant. DuckDB reads it as timestamptz and converts to UTC;
    Spark casts with the session time zone, which the spark target sets to UTC (an offset in the
    text is honoured, a text without zone is UTC; Spark wants an upper-case Z). -#}
{% macro cs_utc_timestamp(expr) -%}
    {{ return(adapter.dispatch('cs_utc_timestamp', 'customer_success')(expr)) }}
{%- endmacro %}

{% macro default__cs_utc_timestamp(expr) -%}
    timezone('UTC', try_cast({{ expr }} as timestamptz))
{%- endmacro %}

{% macro spark__cs_utc_timestamp(expr) -%}
    try_cast(upper({{ expr }}) as timestamp)
{%- endmacro %}
