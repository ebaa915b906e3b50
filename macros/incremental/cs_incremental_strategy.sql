{#- The incremental strategy of every incremental model, chosen per adapter: append on DuckDB
    (and by default), where the model's pre-hook (cs_delete_recomputed) has already deleted every
    row the run recomputes, so delete+insert would only delete them a second time, through a join
    of the new rows with the whole table (25 s of a 1M-customer incremental run); an adapter that
    cannot delete in place (e.g. Spark) adds its own variant `<adapter>__cs_incremental_strategy`. -#}
{% macro cs_incremental_strategy() %}
    {{ return(adapter.dispatch('cs_incremental_strategy', 'customer_success')()) }}
{% endmacro %}

{% macro default__cs_incremental_strategy() %}
    {{ return('append') }}
{% endmacro %}

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
