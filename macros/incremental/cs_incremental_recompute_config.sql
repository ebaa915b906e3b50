{#- The config of an incremental model that recomputes the months from the window on
    (cs_recompute_from_month): the project's strategy, the pre-hook deleting what it recomputes
    (cs_delete_recomputed with month_column, also_month_columns, ticket_column) and the dependency
    on the window (the `is_incremental()` filter reads it only on incremental runs, so dbt would not
    see the ref). -#}
{% macro cs_incremental_recompute_config(unique_key, month_column, also_month_columns=[], ticket_column=none) %}
    {%- set hook_args = ["'" ~ month_column ~ "'"] -%}
    {%- if also_month_columns -%}
        {%- do hook_args.append('also_month_columns=' ~ (also_month_columns | tojson)) -%}
    {%- endif -%}
    {%- if ticket_column -%}
        {%- do hook_args.append("ticket_column='" ~ ticket_column ~ "'") -%}
    {%- endif -%}
    {%- do ref('int_incremental_window_resolved') -%}
    {%- do config(
        materialized='incremental',
        incremental_strategy=cs_incremental_strategy(),
        unique_key=unique_key,
        pre_hook='{{ cs_delete_recomputed(' ~ (hook_args | join(', ')) ~ ') }}',
        on_schema_change='fail',
    ) -%}
{% endmacro %}
