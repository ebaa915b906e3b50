{#- Spark variant of cs_incremental_strategy() (dispatched from
    macros/incremental/cs_incremental_strategy.sql; DuckDB: append after the delete pre-hook).
    Plain Parquet tables take insert_overwrite: the model is partitioned by month (partition_by)
    and each run overwrites only the partitions it selects (dbt-spark sets
    partitionOverwriteMode=dynamic).
    merge needs Delta or Iceberg (file_format delta/iceberg on a real cluster, docs/spark.md). -#}
{% macro spark__cs_incremental_strategy() %}
    {%- if config.get('file_format', 'parquet') in ('delta', 'iceberg', 'hudi') -%}
        {{ return('merge') }}
    {%- endif -%}
    {{ return('insert_overwrite') }}
{% endmacro %}

{#- Spark variant of cs_updates_in_place(): Parquet tables take no DELETE/UPDATE. -#}
{% macro spark__cs_updates_in_place() %}
    {{ return(false) }}
{% endmacro %}
