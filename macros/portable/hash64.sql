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

{#- The keyword that makes a CTE read more than once be inlined into each reader instead of held
    in memory (DuckDB materializes such CTEs by default); Spark inlines CTEs already and has no
    such keyword. -#}
{% macro cs_cte_not_materialized() -%}
    {{ return(adapter.dispatch('cs_cte_not_materialized', 'customer_success')()) }}
{%- endmacro %}

{% macro default__cs_cte_not_materialized() -%}
    not materialized
{%- endmacro %}

{% macro spark__cs_cte_not_materialized() -%}
{%- endmacro %}

{#- The keyword that makes DuckDB hold a CTE's result once for all its readers (a small, filtered
    input read several times). -#}
{% macro cs_cte_materialized() -%}
    {{ return(adapter.dispatch('cs_cte_materialized', 'customer_success')()) }}
{%- endmacro %}

{% macro default__cs_cte_materialized() -%}
    materialized
{%- endmacro %}

{% macro spark__cs_cte_materialized() -%}
{%- endmacro %}
