{#- Whether incremental models can delete and update rows of their own tables in place (the
    delete pre-hooks, the fingerprint prune and commit). DuckDB can; Spark's plain Parquet tables
    cannot (DELETE/UPDATE need Delta or Iceberg), so there the hooks are skipped: no baseline is
    ever committed, every run recomputes every month, and insert_overwrite replaces the table. -#}
{% macro cs_updates_in_place() %}
    {{ return(adapter.dispatch('cs_updates_in_place', 'customer_success')()) }}
{% endmacro %}

{% macro default__cs_updates_in_place() %}
    {{ return(true) }}
{% endmacro %}

{% macro spark__cs_updates_in_place() %}
    {{ return(false) }}
{% endmacro %}
