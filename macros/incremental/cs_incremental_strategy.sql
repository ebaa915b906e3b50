{#- The incremental strategy of every incremental model, chosen per adapter: delete+insert on
    DuckDB (and by default); an adapter without it (e.g. Spark) adds its own variant
    `<adapter>__cs_incremental_strategy`. -#}
{% macro cs_incremental_strategy() %}
    {{ return(adapter.dispatch('cs_incremental_strategy', 'customer_success')()) }}
{% endmacro %}

{% macro default__cs_incremental_strategy() %}
    {{ return('delete+insert') }}
{% endmacro %}
