{#- The raw data contract (docs/raw-data.md), read from the dbt sources files
    (models/staging/<source>/base/_<source>_base__sources.yml), the one place it is written:
    raw table -> {source, required, key, event_column, columns: [{name, type, scale, required,
    accepted, min, max, min_exclusive}]}, tables ordered by (source, table), columns in file order.

    dbt knows the sources only once it executes (graph.sources). While it parses, the contract
    is empty: what parsing records (refs, sources, configs) never depends on it. -#}
{% macro cs_raw_contract() %}
    {%- set contract = {} -%}
    {%- if not execute -%}
        {{ return(contract) }}
    {%- endif -%}
    {%- set sources = graph.sources.values() | selectattr('package_name', 'equalto', project_name)
        | sort(attribute='source_name,name') -%}
    {%- for source in sources -%}
        {%- set columns = [] -%}
        {%- for column in source.columns.values() -%}
            {%- set meta = column.meta -%}
            {%- if meta.get('type') not in ('string', 'integer', 'decimal', 'date', 'timestamp', 'boolean') -%}
                {{ exceptions.raise_compiler_error('raw contract: ' ~ source.name ~ '.' ~ column.name
                    ~ ' has no valid type (string, integer, decimal, date, timestamp, boolean)') }}
            {%- endif -%}
            {%- set rules = cs_column_rules(column) -%}
            {%- do rules.update({'type': meta.type, 'scale': meta.get('scale')}) -%}
            {%- do columns.append(rules) -%}
        {%- endfor -%}
        {%- do contract.update({source.name: {
            'source': source.source_name,
            'required': source.meta.get('required', false),
            'key': source.meta.get('key', []),
            'event_column': source.meta.get('event_column'),
            'columns': columns,
        }}) -%}
    {%- endfor -%}
    {{ return(contract) }}
{% endmacro %}

{#- One raw table of the contract; an error naming it when the contract has no such table. -#}
{% macro cs_raw_table(table_name) %}
    {%- set table = cs_raw_contract().get(table_name) -%}
    {%- if table is none -%}
        {{ exceptions.raise_compiler_error('raw table ' ~ table_name ~ ' is not in the raw contract (docs/raw-data.md)') }}
    {%- endif -%}
    {{ return(table) }}
{% endmacro %}
