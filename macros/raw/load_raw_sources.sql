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
            {%- set present = {} -%}
            {%- for name in cs_raw_file_columns(table_name, found) -%}
                {%- do present.update({(name | string | trim | lower): name | string}) -%}
            {%- endfor -%}
            {%- for column in spec.columns | map(attribute='name') -%}
                {%- if column not in present -%}
                    {%- do problems.append('file ' ~ found ~ ' has no column "' ~ column ~ '"') -%}
                {%- endif -%}
            {%- endfor -%}
            {%- do plans.update({table_name: {'path': found, 'present': present}}) -%}
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
            {%- do statements.extend(cs_raw_view_statements(table_name, plan.path, selects | join(', '))) -%}
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

{#- The column names of one raw file, as written in its header. -#}
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
    contract's columns cast to text from the file's columns). -#}
{% macro cs_raw_view_statements(table_name, path, select_list) %}
    {{ return(adapter.dispatch('cs_raw_view_statements', 'customer_success')(table_name, path, select_list)) }}
{% endmacro %}

{% macro default__cs_raw_view_statements(table_name, path, select_list) %}
    {{ return(['create or replace view raw.' ~ table_name ~ ' as select ' ~ select_list
        ~ ' from ' ~ cs_raw_reader(path)]) }}
{% endmacro %}

{#- Engine state to check before anything is read or written (nothing on DuckDB). -#}
{% macro cs_check_engine_state() %}
    {{ return(adapter.dispatch('cs_check_engine_state', 'customer_success')()) }}
{% endmacro %}

{% macro default__cs_check_engine_state() %}
    {{ return('') }}
{% endmacro %}

{#- A table function reading one raw file with every column as text. -#}
{% macro cs_raw_reader(path) %}
    {%- if path.endswith('.parquet') -%}
        {{ return("read_parquet('" ~ path ~ "')") }}
    {%- else -%}
        {{ return("read_csv('" ~ path ~ "', header = true, all_varchar = true, delim = ',', quote = '\"', escape = '\"', strict_mode = false)") }}
    {%- endif -%}
{% endmacro %}
