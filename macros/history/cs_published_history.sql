{#- The published history: the serving file (env CS_SERVING_PATH, set by the Dagster dbt step)
    holds the history of every completed publish, because a publish replaces that file whole or
    not at all. cs_attach_published() attaches it read-only as cs_published and returns whether
    it holds `relation_name` (schema.table); false without the setting, without the file (the
    first publish) or for a file published before the history existed. Runs only when dbt
    executes; cs_detach_published() is the model's post-hook. -#}
{% macro cs_attach_published(schema_name, table_name) %}
    {%- set path = env_var('CS_SERVING_PATH', '') | trim -%}
    {%- if not execute or path == '' -%}
        {{ return(false) }}
    {%- endif -%}
    {%- set quoted = "'" ~ path | replace("'", "''") ~ "'" -%}
    {%- set found = run_query("select count(*) from glob(" ~ quoted ~ ")").columns[0].values()[0] -%}
    {%- if found == 0 -%}
        {{ return(false) }}
    {%- endif -%}
    {%- do run_query("attach if not exists " ~ quoted ~ " as cs_published (read_only)") -%}
    {%- set tables = run_query(
        "select count(*) from duckdb_tables() where database_name = 'cs_published' "
        ~ "and schema_name = '" ~ schema_name ~ "' and table_name = '" ~ table_name ~ "'"
    ).columns[0].values()[0] -%}
    {{ return(tables == 1) }}
{% endmacro %}

{% macro cs_detach_published() %}
    detach database if exists cs_published
{% endmacro %}

{#- The build id: the Dagster run id (env CS_BUILD_ID, set by the dbt step), else dbt's own
    invocation id (a plain `dbt build`). -#}
{% macro cs_build_id() %}
    {{ return(env_var('CS_BUILD_ID', '') | trim or invocation_id) }}
{% endmacro %}

{#- The figure columns of a month x segment mart: its documented columns (the contract of a
    public mart) but month and segment. Empty while dbt parses. -#}
{% macro cs_figure_columns(model_name) %}
    {%- if not execute -%}
        {{ return([]) }}
    {%- endif -%}
    {%- set node = graph.nodes['model.' ~ project_name ~ '.' ~ model_name] -%}
    {{ return(node.columns.keys() | reject('in', ['month', 'segment']) | list) }}
{% endmacro %}
