{#- Helpers of the incremental models (docs/benchmarks.md, "Incremental builds").

    Every incremental model recomputes exactly the months from int_incremental_window_resolved's
    recompute_from_month on: a pre-hook deletes them (cs_delete_recomputed), the model's
    `is_incremental()` filter (cs_recompute_from_month) selects them again. -#}

{#- The first month an incremental run recomputes, as a scalar subquery. The model must declare
    `-- depends_on: {{ ref('int_incremental_window_resolved') }}` so dbt orders it after the window. -#}
{% macro cs_recompute_from_month() -%}
    (select recompute_from_month from {{ ref('int_incremental_window_resolved') }})
{%- endmacro %}

{#- pre-hook of an incremental model: on an incremental run, delete the rows that the run
    recomputes: those whose month column (or any of also_month_columns) is a recomputed month, and
    with ticket_column, those about a ticket created in a recomputed month. -#}
{% macro cs_delete_recomputed(month_column, also_month_columns=[], ticket_column=none) %}
    {%- if is_incremental() and cs_updates_in_place() -%}
        delete from {{ this }}
        where {{ month_column }} >= {{ cs_recompute_from_month() }}
        {%- for column in also_month_columns %}
            or {{ column }} >= {{ cs_recompute_from_month() }}
        {%- endfor %}
        {%- if ticket_column %}
            or {{ ticket_column }} in (
                select ticket_id from {{ ref('stg_support__tickets') }}
                where created_at >= cast({{ cs_recompute_from_month() }} as timestamp)
            )
        {%- endif -%}
    {%- endif -%}
{% endmacro %}

{#- An order-independent fingerprint of a set of rows (aggregate over the given columns): two
    sets with the same fingerprint and row count are taken to be equal. -#}
{% macro cs_rows_fingerprint(columns) %}
    {{ return(adapter.dispatch('cs_rows_fingerprint', 'customer_success')(columns)) }}
{% endmacro %}

{% macro default__cs_rows_fingerprint(columns) -%}
    bit_xor(hash({{ columns | join(', ') }}))
{%- endmacro %}

{#- on-run-end: the source fingerprints of this invocation become the baseline of the next
    incremental run only when every incremental model was built successfully in it; otherwise the
    next run compares against the last committed baseline (and recomputes more). -#}
{% macro cs_commit_source_fingerprints(results) %}
    {%- if not execute or flags.WHICH not in ('run', 'build') or not cs_updates_in_place() -%}
        {{ return('') }}
    {%- endif -%}
    {%- set incremental_models = [] -%}
    {%- for node in graph.nodes.values() -%}
        {%- if node.resource_type == 'model' and node.config.materialized == 'incremental' -%}
            {%- do incremental_models.append(node.unique_id) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- set succeeded = [] -%}
    {%- for result in results -%}
        {%- if result.node.unique_id in incremental_models and result.status == 'success' -%}
            {%- do succeeded.append(result.node.unique_id) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- if incremental_models | length == 0 or succeeded | length < incremental_models | length -%}
        {{ return('') }}
    {%- endif -%}
    {%- set node = graph.nodes['model.customer_success.int_source_months_fingerprinted'] -%}
    {%- set fingerprints = adapter.get_relation(
        database=node.database, schema=node.schema, identifier=node.alias) -%}
    {%- if fingerprints is none -%}
        {{ return('') }}
    {%- endif -%}
    {%- do run_query(
        "update " ~ fingerprints ~ " set is_committed = true where build_id = '" ~ invocation_id ~ "'") -%}
    {{ return('') }}
{% endmacro %}

{#- post-hook of int_source_months_fingerprinted: keep only this build and the latest committed
    one. -#}
{% macro cs_prune_source_fingerprints() %}
    {%- if not cs_updates_in_place() -%}
        {{ return('') }}
    {%- endif %}
    delete from {{ this }}
    where build_id <> '{{ invocation_id }}'
        and built_at < coalesce(
            (select max(built_at) from {{ this }} where is_committed),
            cast('{{ run_started_at.strftime("%Y-%m-%d %H:%M:%S") }}' as timestamp)
        )
{% endmacro %}

{#- The config of an incremental model that recomputes the months from the window on: the
    project's strategy, the pre-hook deleting what it recomputes (cs_delete_recomputed with
    month_column, also_month_columns, ticket_column) and the dependency on the window (the
    `is_incremental()` filter reads it only on incremental runs, so dbt would not see the ref). -#}
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

{#- The order an incremental model writes its rows in: by the month column its delete pre-hook
    selects on (cs_incremental_recompute_config). DuckDB's checkpoint rewrites the row groups
    that lost a quarter or more of their rows (vacuum): a table written in any order loses a
    share of every row group when the last months are recomputed, and the checkpoint rewrote
    those whole tables (23 s of a 1M-customer incremental run); written in month order, the
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
