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
