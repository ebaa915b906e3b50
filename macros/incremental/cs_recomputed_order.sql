{#- The order an incremental model writes its rows in: by the month column its delete pre-hook
    selects on (cs_incremental_recompute_config). DuckDB's checkpoint rewrites every row group that
    lost a quarter or more of its rows: in a table written in any order, recomputing the last months
    removes a share of every row group and the whole table is rewritten; written in month order, the
    recomputed months are whole row groups at the end, dropped without a rewrite. Engines that
    partition by month instead (Spark) take no order. -#}
{% macro cs_recomputed_order(month_column) %}
    {{ return(adapter.dispatch('cs_recomputed_order', 'customer_success')(month_column)) }}
{% endmacro %}

{% macro default__cs_recomputed_order(month_column) -%}
    order by {{ month_column }}
{%- endmacro %}

{% macro spark__cs_recomputed_order(month_column) -%}
{%- endmacro %}
