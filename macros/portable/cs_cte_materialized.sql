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
