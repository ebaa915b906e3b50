{#- on-run-start: validate the raw files against the raw contract (cs_raw_contract), then expose each raw table as a
    view `raw.<table>` of text columns (column order in the file does not matter, extra columns are
    dropped, a missing optional table is an empty view). Every problem (missing required file,
    missing column, unreadable as_of_date) is collected and raised as one clear error that names
    the file and column, before any view or model is written. -#}
{% macro load_raw_sources() %}
    {%- if not execute or flags.WHICH in ('parse', 'compile', 'ls', 'list', 'docs', 'deps', 'clean', 'debug') -%}
        {{ return('') }}
    {%- endif -%}
    {{ return(adapter.dispatch('load_raw_sources', 'customer_success')()) }}
{% endmacro %}

{% macro default__load_raw_sources() %}
    {%- set raw_dir = cs_raw_data_dir() -%}
    {%- set contract = cs_raw_contract() -%}
    {%- set problems = [] -%}
    {%- set plans = {} -%}
    {%- do cs_as_of_date_literal() -%}
    {%- do cs_check_engine_state() -%}
    {%- set raw_files = cs_raw_files(raw_dir, contract.keys() | list) -%}
    {%- for table_name, spec in contract.items() -%}
        {%- set found = raw_files.get(table_name) -%}
        {%- if found is none -%}
            {%- if spec.required -%}
                {%- do problems.append('missing required file ' ~ raw_dir ~ '/' ~ table_name ~ '.csv (or .parquet)') -%}
            {%- endif -%}
            {%- do plans.update({table_name: none}) -%}
        {%- else -%}
            {%- set header = cs_raw_file_header(table_name, found) -%}
            {%- set separators = [] -%}
            {%- for name in header.written if not separators -%}
                {%- for separator in [';', '\t', '|'] if separator in name and not separators -%}
                    {%- do separators.append(separator) -%}
                {%- endfor -%}
            {%- endfor -%}
            {%- if header.empty -%}
                {#- an empty optional file is a table without rows, like a missing one -#}
                {%- if spec.required -%}
                    {%- do problems.append('file ' ~ found ~ ' is empty') -%}
                {%- endif -%}
                {%- do plans.update({table_name: none}) -%}
            {%- elif separators -%}
                {%- do problems.append('file ' ~ found ~ ' must be comma-separated (its header is separated by '
                    ~ ({';': 'semicolons', '\t': 'tabs', '|': 'pipes'}[separators[0]]) ~ ')') -%}
            {%- else -%}
                {%- set written = {} -%}
                {%- for name in header.written -%}
                    {%- set normalized = name | string | trim | lower -%}
                    {%- do written.update({normalized: written.get(normalized, 0) + 1}) -%}
                {%- endfor -%}
                {%- set present = {} -%}
                {%- for name in header.written -%}
                    {%- set normalized = name | string | trim | lower -%}
                    {%- if normalized not in present -%}
                        {%- do present.update({normalized: header.names[loop.index0] | string}) -%}
                    {%- endif -%}
                {%- endfor -%}
                {%- for column in spec.columns | map(attribute='name') -%}
                    {%- if written.get(column, 0) > 1 -%}
                        {%- do problems.append('file ' ~ found ~ ' has the column "' ~ column ~ '" '
                            ~ written[column] ~ ' times in its header') -%}
                    {%- elif column not in present -%}
                        {%- do problems.append('file ' ~ found ~ ' has no column "' ~ column ~ '"') -%}
                    {%- endif -%}
                {%- endfor -%}
                {%- do plans.update({table_name: {'path': found, 'present': present, 'width': header.written | length}}) -%}
            {%- endif -%}
        {%- endif -%}
    {%- endfor -%}
    {%- if problems | length > 0 -%}
        {{ exceptions.raise_compiler_error(
            'Raw data in ' ~ raw_dir ~ ' does not follow the raw contract:\n  - '
            ~ (problems | join('\n  - '))) }}
    {%- endif -%}
    {%- set statements = ['create schema if not exists raw'] -%}
    {%- for table_name, spec in contract.items() -%}
        {%- set plan = plans[table_name] -%}
        {%- set selects = [] -%}
        {%- for column in spec.columns | map(attribute='name') -%}
            {%- if plan is none -%}
                {%- do selects.append('cast(null as string) as ' ~ column) -%}
            {%- else -%}
                {%- do selects.append('cast(' ~ adapter.quote(plan.present[column]) ~ ' as string) as ' ~ column) -%}
            {%- endif -%}
        {%- endfor -%}
        {%- if plan is none -%}
            {%- do statements.append('create or replace view raw.' ~ table_name ~ ' as select '
                ~ (selects | join(', ')) ~ ' where 1 = 0') -%}
        {%- else -%}
            {%- do statements.extend(cs_raw_view_statements(table_name, plan.path, selects | join(', '), plan.width)) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- for statement in statements -%}
        {%- do run_query(statement) -%}
    {%- endfor -%}
    {{ log('Raw data read from ' ~ raw_dir, info=true) }}
    {{ return('') }}
{% endmacro %}

{#- The raw data directory: env CS_RAW_DATA_DIR, else the bundled sample in seeds/. Validated
    before it reaches SQL: quotes and control characters are refused. -#}
{% macro cs_raw_data_dir() %}
    {%- set raw_dir = env_var('CS_RAW_DATA_DIR', '') | trim -%}
    {%- if raw_dir == '' -%}
        {%- set raw_dir = env_var('CS_PROJECT_DIR', '.') ~ '/seeds' -%}
    {%- endif -%}
    {{ return(cs_validated_path('CS_RAW_DATA_DIR', raw_dir)) }}
{% endmacro %}

{#- A directory path from an env var, checked before it reaches SQL: quotes, backticks (Spark
    quotes paths with them), semicolons and control characters are refused. -#}
{% macro cs_validated_path(env_name, path) %}
    {%- if modules.re.search("['\"`\\x00-\\x1f;]", path) -%}
        {{ exceptions.raise_compiler_error(env_name ~ ' may not contain quotes, semicolons or control characters: ' ~ path) }}
    {%- endif -%}
    {{ return(path.rstrip('/')) }}
{% endmacro %}

{#- The raw file of each table found in the raw directory (table name -> path of <table>.csv or
    <table>.parquet; a table without a file is left out). -#}
{% macro cs_raw_files(raw_dir, table_names) %}
    {{ return(adapter.dispatch('cs_raw_files', 'customer_success')(raw_dir, table_names)) }}
{% endmacro %}

{% macro default__cs_raw_files(raw_dir, table_names) %}
    {%- set found = {} -%}
    {%- for table_name in table_names -%}
        {%- for extension in ['csv', 'parquet'] -%}
            {%- set candidate = raw_dir ~ '/' ~ table_name ~ '.' ~ extension -%}
            {%- if table_name not in found -%}
                {%- set hits = run_query("select count(*) from glob('" ~ candidate ~ "')") -%}
                {%- if hits.rows[0][0] > 0 -%}
                    {%- do found.update({table_name: candidate}) -%}
                {%- endif -%}
            {%- endif -%}
        {%- endfor -%}
    {%- endfor -%}
    {{ return(found) }}
{% endmacro %}

{#- The header of one raw file: written (the names exactly as written, in file order, duplicates
    kept), names (the column names the reader exposes, in the same order: those of the file for
    Parquet, column_<n> by position for CSV) and empty (a file of 0 bytes, or without even a
    header line). -#}
{% macro cs_raw_file_header(table_name, path) %}
    {{ return(adapter.dispatch('cs_raw_file_header', 'customer_success')(table_name, path)) }}
{% endmacro %}

{% macro default__cs_raw_file_header(table_name, path) %}
    {%- if path.endswith('.parquet') -%}
        {%- set names = cs_raw_file_columns(table_name, path) -%}
        {{ return({'names': names, 'written': names, 'empty': false}) }}
    {%- endif -%}
    {#- the size alone: read_blob reads no content when only the size is selected -#}
    {%- if run_query("select size from read_blob('" ~ path ~ "')").rows[0][0] == 0 -%}
        {{ return({'names': [], 'written': [], 'empty': true}) }}
    {%- endif -%}
    {#- the header line read as a row of data (a header would have a repeated name renamed), the
        column count sniffed leniently: the lines of a file are checked when it is read -#}
    {%- set first_row = run_query("select * from read_csv('" ~ path ~ "', header = false, "
        ~ "all_varchar = true, delim = ',', quote = '\"', escape = '\"', strict_mode = false, ignore_errors = true) limit 1") -%}
    {%- if first_row.rows | length == 0 -%}
        {{ return({'names': [], 'written': [], 'empty': true}) }}
    {%- endif -%}
    {%- set written = [] -%}
    {%- for value in first_row.rows[0] -%}
        {%- do written.append('' if value is none else value | string) -%}
    {%- endfor -%}
    {%- set names = [] -%}
    {%- for name in written -%}{%- do names.append('column_' ~ loop.index) -%}{%- endfor -%}
    {{ return({'names': names, 'written': written, 'empty': false}) }}
{% endmacro %}

{#- The column names of one raw file, as the reader exposes them (Spark, Parquet). -#}
{% macro cs_raw_file_columns(table_name, path) %}
    {{ return(adapter.dispatch('cs_raw_file_columns', 'customer_success')(table_name, path)) }}
{% endmacro %}

{% macro default__cs_raw_file_columns(table_name, path) %}
    {%- set described = run_query('describe select * from ' ~ cs_raw_reader(path)) -%}
    {%- set names = [] -%}
    {%- for row in described.rows -%}
        {%- do names.append(row[0]) -%}
    {%- endfor -%}
    {{ return(names) }}
{% endmacro %}

{#- The statements exposing one raw file as the text view raw.<table_name> (select_list: the
    contract's columns cast to text from the file's columns; width: a CSV file's column count). -#}
{% macro cs_raw_view_statements(table_name, path, select_list, width=none) %}
    {{ return(adapter.dispatch('cs_raw_view_statements', 'customer_success')(table_name, path, select_list, width)) }}
{% endmacro %}

{% macro default__cs_raw_view_statements(table_name, path, select_list, width=none) %}
    {{ return(['create or replace view raw.' ~ table_name ~ ' as select ' ~ select_list
        ~ ' from ' ~ cs_raw_reader(path, width, cs_rejects_temp_table(table_name))]) }}
{% endmacro %}

{#- Engine state to check before anything is read or written (nothing on DuckDB). -#}
{% macro cs_check_engine_state() %}
    {{ return(adapter.dispatch('cs_check_engine_state', 'customer_success')()) }}
{% endmacro %}

{% macro default__cs_check_engine_state() %}
    {{ return('') }}
{% endmacro %}

{#- A table function reading one raw file with every column as text. A CSV file (width: its
    column count) is read in the dialect of the raw contract, given explicitly so nothing is
    sniffed: a header line, comma-separated, `"` quoting with `""` inside a quoted field, columns
    column_<n> by position. The reader runs in strict mode: a line it cannot split into the
    header's columns (a column too many or too few, a stray quote, bad UTF-8) is rejected, never
    cut to the header's width and read as a wrong row. Each read stores the lines it rejected in
    the temporary tables <rejects_into> and <rejects_into>_scans of the reading connection
    (macros/raw/rejected_lines.sql): only this path of DuckDB's reader skips exactly the
    rejected lines when it reads in parallel (plain ignore_errors can lose the line after a
    stray quote). -#}
{% macro cs_raw_reader(path, width=none, rejects_into=none) %}
    {%- if path.endswith('.parquet') -%}
        {{ return("read_parquet('" ~ path ~ "')") }}
    {%- endif -%}
    {%- if width is none or rejects_into is none -%}
        {{ exceptions.raise_compiler_error('cs_raw_reader: a CSV file needs its width and rejects_into') }}
    {%- endif -%}
    {%- set columns = [] -%}
    {%- for position in range(1, width + 1) -%}
        {%- do columns.append("'column_" ~ position ~ "': 'varchar'") -%}
    {%- endfor -%}
    {{ return("read_csv('" ~ path ~ "', header = true, auto_detect = false, columns = {"
        ~ (columns | join(', ')) ~ "}, delim = ',', quote = '\"', escape = '\"', "
        ~ "store_rejects = true, rejects_table = '" ~ rejects_into ~ "', rejects_scan = '"
        ~ rejects_into ~ "_scans')") }}
{% endmacro %}
