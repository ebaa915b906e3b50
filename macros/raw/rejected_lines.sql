{#- The CSV lines the reader rejected (cs_raw_reader), per raw table: raw.<table>__rejected_lines,
    one row per line (source_table, line_number in the file, the parser's reason, raw_line as
    written), read by the audit relations.

    The raw view itself records them: each read of raw.<table> stores the lines it skipped in a
    temporary table of the reading connection. The validator (the one model reading the view,
    cs_validated_rows) forgets that table before it runs (pre-hook) and writes what its own reads
    recorded after (post-hook), on the same connection: the lines listed are exactly the lines
    its reads skipped, at no extra read of the file. A line is recorded once per read (an
    incremental validator reads twice), hence one row per line. -#}

{#- The temporary table the reads of raw.<table_name> record their rejected lines in. -#}
{% macro cs_rejects_temp_table(table_name) -%}
    cs_rejects__{{ table_name }}
{%- endmacro %}

{#- The relation of the rejected lines of one raw table. -#}
{% macro cs_rejected_lines_relation(table_name) %}
    {{ return(api.Relation.create(schema='raw', identifier=table_name ~ '__rejected_lines')) }}
{% endmacro %}

{#- The validator's hooks: config for the model of raw table `table_name`. -#}
{% macro cs_rejected_lines_hooks(table_name) %}
    {%- do config(
        pre_hook="{{ cs_forget_rejected_lines('" ~ table_name ~ "') }}",
        post_hook="{{ cs_collect_rejected_lines('" ~ table_name ~ "') }}",
    ) -%}
{% endmacro %}

{#- pre-hook: forget the lines recorded by earlier reads on this connection. -#}
{% macro cs_forget_rejected_lines(table_name) %}
    {%- if not execute -%}
        {{ return('') }}
    {%- endif -%}
    {{ return(adapter.dispatch('cs_forget_rejected_lines', 'customer_success')(table_name)) }}
{% endmacro %}

{% macro default__cs_forget_rejected_lines(table_name) %}
    {%- set temp_table = cs_rejects_temp_table(table_name) -%}
    {%- do run_query('drop table if exists temp.main.' ~ temp_table ~ '_scans') -%}
    drop table if exists temp.main.{{ temp_table }}
{% endmacro %}

{#- Spark's permissive CSV reader rejects no line. -#}
{% macro spark__cs_forget_rejected_lines(table_name) %}
    {{ return('') }}
{% endmacro %}

{#- post-hook: write raw.<table_name>__rejected_lines from what this connection's reads recorded
    (nothing for a Parquet file or a missing optional one, whose reads record nothing). -#}
{% macro cs_collect_rejected_lines(table_name) %}
    {%- if not execute -%}
        {{ return('') }}
    {%- endif -%}
    {{ return(adapter.dispatch('cs_collect_rejected_lines', 'customer_success')(table_name)) }}
{% endmacro %}

{% macro default__cs_collect_rejected_lines(table_name) %}
    {%- set temp_table = cs_rejects_temp_table(table_name) -%}
    {%- set recorded = run_query("select count(*) from duckdb_tables() where database_name = 'temp' "
        ~ "and table_name = '" ~ temp_table ~ "'").rows[0][0] > 0 -%}
    create or replace table {{ cs_rejected_lines_relation(table_name) }} as
    {% if recorded -%}
    select
        '{{ table_name }}' as source_table,
        cast(line as bigint) as line_number,
        min('line ' || cast(line as varchar) || ': ' || lower(error_type) || ' (' || error_message || ')') as reason,
        min(csv_line) as raw_line
    from temp.main.{{ temp_table }}
    group by line
    {%- else -%}
    {{ cs_no_rejected_lines() }}
    {%- endif %}
{% endmacro %}

{% macro spark__cs_collect_rejected_lines(table_name) %}
    {%- do run_query('drop table if exists ' ~ cs_rejected_lines_relation(table_name)) %}
    create table {{ cs_rejected_lines_relation(table_name) }} using parquet as {{ cs_no_rejected_lines() }}
{% endmacro %}

{#- The columns of a rejected-lines relation, without rows. -#}
{% macro cs_no_rejected_lines() -%}
    select
        cast(null as string) as source_table,
        cast(null as bigint) as line_number,
        cast(null as string) as reason,
        cast(null as string) as raw_line
    where 1 = 0
{%- endmacro %}
