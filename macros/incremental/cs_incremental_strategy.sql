{#- The incremental strategy of every incremental model, chosen per adapter. DuckDB (and by
    default): append, since the model's pre-hook (cs_delete_recomputed) has already deleted every
    row the run recomputes; delete+insert would delete them a second time, through a join of the
    new rows with the whole table. -#}
{% macro cs_incremental_strategy() %}
    {{ return(adapter.dispatch('cs_incremental_strategy', 'customer_success')()) }}
{% endmacro %}

{% macro default__cs_incremental_strategy() %}
    {{ return('append') }}
{% endmacro %}

{#- Spark: plain Parquet tables take insert_overwrite (each run overwrites only the partitions it
    selects: dbt-spark sets partitionOverwriteMode=dynamic); merge needs Delta or Iceberg
    (file_format delta or iceberg on a real cluster, docs/spark.md). -#}
{% macro spark__cs_incremental_strategy() %}
    {%- if config.get('file_format', 'parquet') in ('delta', 'iceberg', 'hudi') -%}
        {{ return('merge') }}
    {%- endif -%}
    {{ return('insert_overwrite') }}
{% endmacro %}
