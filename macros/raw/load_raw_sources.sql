{#- on-run-start: validate the raw files against the contract, then expose each raw table as a
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
    {%- set contract = raw_contract() -%}
    {%- set problems = [] -%}
    {%- set plans = {} -%}
    {%- do cs_as_of_date_literal() -%}
    {%- for table_name, spec in contract.items() -%}
        {%- set found = cs_find_raw_file(raw_dir, table_name) -%}
        {%- if found is none -%}
            {%- if spec.required -%}
                {%- do problems.append('missing required file ' ~ raw_dir ~ '/' ~ table_name ~ '.csv (or .parquet)') -%}
            {%- endif -%}
            {%- do plans.update({table_name: none}) -%}
        {%- else -%}
            {%- set reader = cs_raw_reader(found) -%}
            {%- set described = run_query('describe select * from ' ~ reader) -%}
            {%- set present = {} -%}
            {%- for row in described.rows -%}
                {%- do present.update({(row[0] | string | trim | lower): row[0] | string}) -%}
            {%- endfor -%}
            {%- for column in spec.columns -%}
                {%- if column not in present -%}
                    {%- do problems.append('file ' ~ found ~ ' has no column "' ~ column ~ '"') -%}
                {%- endif -%}
            {%- endfor -%}
            {%- do plans.update({table_name: {'reader': reader, 'present': present}}) -%}
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
        {%- for column in spec.columns -%}
            {%- if plan is none -%}
                {%- do selects.append('cast(null as varchar) as ' ~ column) -%}
            {%- else -%}
                {%- do selects.append('cast("' ~ plan.present[column] ~ '" as varchar) as ' ~ column) -%}
            {%- endif -%}
        {%- endfor -%}
        {%- if plan is none -%}
            {%- set body = 'select ' ~ (selects | join(', ')) ~ ' where 1 = 0' -%}
        {%- else -%}
            {%- set body = 'select ' ~ (selects | join(', ')) ~ ' from ' ~ plan.reader -%}
        {%- endif -%}
        {%- do statements.append('create or replace view raw.' ~ table_name ~ ' as ' ~ body) -%}
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
    {%- if modules.re.search("['\"\\x00-\\x1f;]", raw_dir) -%}
        {{ exceptions.raise_compiler_error('CS_RAW_DATA_DIR may not contain quotes, semicolons or control characters: ' ~ raw_dir) }}
    {%- endif -%}
    {{ return(raw_dir.rstrip('/')) }}
{% endmacro %}

{#- Path of <table>.csv or <table>.parquet in the raw directory, or none. -#}
{% macro cs_find_raw_file(raw_dir, table_name) %}
    {%- for extension in ['csv', 'parquet'] -%}
        {%- set candidate = raw_dir ~ '/' ~ table_name ~ '.' ~ extension -%}
        {%- set hits = run_query("select count(*) from glob('" ~ candidate ~ "')") -%}
        {%- if hits.rows[0][0] > 0 -%}
            {{ return(candidate) }}
        {%- endif -%}
    {%- endfor -%}
    {{ return(none) }}
{% endmacro %}

{#- A table function reading one raw file with every column as text. -#}
{% macro cs_raw_reader(path) %}
    {%- if path.endswith('.parquet') -%}
        {{ return("read_parquet('" ~ path ~ "')") }}
    {%- else -%}
        {{ return("read_csv('" ~ path ~ "', header = true, all_varchar = true, delim = ',', quote = '\"', escape = '\"', strict_mode = false)") }}
    {%- endif -%}
{% endmacro %}
