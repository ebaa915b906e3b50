{#- A 64-bit hash of a list of expressions (equal inputs give equal hashes). DuckDB's hash is 64
    bits; Spark's hash is 32 bits, so Spark uses xxhash64. -#}
{% macro cs_hash64(expressions) -%}
    {{ return(adapter.dispatch('cs_hash64', 'customer_success')(expressions)) }}
{%- endmacro %}

{% macro default__cs_hash64(expressions) -%}
    hash({{ expressions | join(', ') }})
{%- endmacro %}

{% macro spark__cs_hash64(expressions) -%}
    xxhash64({{ expressions | join(', ') }})
{%- endmacro %}
