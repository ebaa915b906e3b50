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
