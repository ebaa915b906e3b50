{#- Post-hook of audit.row_reconciliation: past dbt var max_quarantine_share of bad rows in any
    raw table, the build fails here, before anything is published, naming the table(s). -#}
{% macro cs_assert_quarantine_share(relation) %}
    {%- if not execute -%}{{ return('') }}{%- endif -%}
    {%- set limit = var('max_quarantine_share', 0.05) | float -%}
    {%- set offenders = run_query(
        'select source_table, rows_quarantined, rows_read, quarantine_share from ' ~ relation
        ~ ' where quarantine_share > ' ~ limit ~ ' order by source_table') -%}
    {%- if offenders.rows | length > 0 -%}
        {%- set lines = [] -%}
        {%- for row in offenders.rows -%}
            {%- do lines.append(row[0] ~ ': ' ~ row[1] ~ ' of ' ~ row[2] ~ ' rows quarantined ('
                ~ ((row[3] * 100) | round(2)) ~ '%)') -%}
        {%- endfor -%}
        {{ exceptions.raise_compiler_error(
            'Quarantined share of raw rows is above max_quarantine_share (' ~ limit ~ ') in: '
            ~ (lines | join('; ')) ~ '. See audit.quarantined_rows for the reasons.') }}
    {%- endif -%}
    {{ return('select 1') }}
{% endmacro %}
