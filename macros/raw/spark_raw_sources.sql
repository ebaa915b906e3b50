{#- The raw loader's Spark pieces (see load_raw_sources.sql for the shared steps and messages).
    Spark reads each raw file through an external table raw.<table>__file (CSV with header, every
    column text; Parquet as written) and exposes it as the text view raw.<table>, both persisted in
    the metastore under CS_SPARK_DIR. Dropping an external table never deletes the file. -#}

{#- Tables as Parquet in a warehouse directory and Derby metastore under an absolute CS_SPARK_DIR
    (default <CS_PROJECT_DIR>/warehouse/spark), else tables vanish between runs started from
    other directories: refuse a relative or odd path, and a session started with other paths. -#}
{% macro spark__cs_check_engine_state() %}
    {%- set spark_dir = cs_spark_dir() -%}
    {%- set configured = run_query('set spark.sql.warehouse.dir').rows[0][1] | string -%}
    {%- set expected = spark_dir ~ '/spark-warehouse' -%}
    {%- if configured.rstrip('/') not in (expected, 'file:' ~ expected, 'file://' ~ expected) -%}
        {{ exceptions.raise_compiler_error(
            'The Spark session uses spark.sql.warehouse.dir ' ~ configured ~ ', not ' ~ expected
            ~ ' (CS_SPARK_DIR): use the spark target of profiles.yml, and one CS_SPARK_DIR per dbt process.') }}
    {%- endif -%}
    {{ return('') }}
{% endmacro %}

{#- The directory of the Spark warehouse and metastore: env CS_SPARK_DIR, else
    <CS_PROJECT_DIR>/warehouse/spark (profiles.yml computes the same). Must be absolute. -#}
{% macro cs_spark_dir() %}
    {%- set spark_dir = env_var('CS_SPARK_DIR', env_var('CS_PROJECT_DIR', '.') ~ '/warehouse/spark') | trim -%}
    {%- if not spark_dir.startswith('/') -%}
        {{ exceptions.raise_compiler_error(
            'The Spark warehouse directory must be an absolute path (set CS_SPARK_DIR, or CS_PROJECT_DIR to the project root), got: '
            ~ spark_dir) }}
    {%- endif -%}
    {{ return(cs_validated_path('CS_SPARK_DIR', spark_dir)) }}
{% endmacro %}

{#- One listing of the raw directory (binaryFile lists file paths; the content is not read). -#}
{% macro spark__cs_raw_files(raw_dir, table_names) %}
    {%- set listed = run_query('select path from binaryFile.`' ~ raw_dir ~ '`') -%}
    {%- set names = {} -%}
    {%- for row in listed.rows -%}
        {%- do names.update({(row[0] | string).split('/')[-1]: true}) -%}
    {%- endfor -%}
    {%- set found = {} -%}
    {%- for table_name in table_names -%}
        {%- for extension in ['csv', 'parquet'] -%}
            {%- if table_name not in found and (table_name ~ '.' ~ extension) in names -%}
                {%- do found.update({table_name: raw_dir ~ '/' ~ table_name ~ '.' ~ extension}) -%}
            {%- endif -%}
        {%- endfor -%}
    {%- endfor -%}
    {{ return(found) }}
{% endmacro %}

{#- The data source clause reading one raw file: CSV with a header row, every column text, quotes
    doubled inside quoted fields, fields may span lines (as DuckDB's reader); or Parquet. -#}
{% macro cs_spark_raw_source(path) %}
    {%- if path.endswith('.parquet') -%}
        {{ return("using parquet options (path '" ~ path ~ "')") }}
    {%- else -%}
        {{ return("using csv options (path '" ~ path ~ "', header 'true', inferSchema 'false', "
            ~ "sep ',', quote '\"', escape '\"', multiLine 'true', mode 'PERMISSIVE')") }}
    {%- endif -%}
{% endmacro %}

{#- Header only: a temporary view (nothing persisted; gone with the session) described before
    anything is written. -#}
{% macro spark__cs_raw_file_columns(table_name, path) %}
    {%- do run_query('create or replace temporary view cs_raw_probe__' ~ table_name ~ ' '
        ~ cs_spark_raw_source(path)) -%}
    {%- set described = run_query('describe cs_raw_probe__' ~ table_name) -%}
    {%- set names = [] -%}
    {%- for row in described.rows -%}
        {%- do names.append(row[0]) -%}
    {%- endfor -%}
    {{ return(names) }}
{% endmacro %}

{% macro spark__cs_raw_view_statements(table_name, path, select_list, width=none) %}
    {{ return([
        'drop table if exists raw.' ~ table_name ~ '__file',
        'create table raw.' ~ table_name ~ '__file ' ~ cs_spark_raw_source(path),
        'create or replace view raw.' ~ table_name ~ ' as select ' ~ select_list
            ~ ' from raw.' ~ table_name ~ '__file',
    ]) }}
{% endmacro %}

{#- The header as Spark's reader exposes it: the 0-byte and repeated-name checks are DuckDB's
    only (docs/raw-data.md). -#}
{% macro spark__cs_raw_file_header(table_name, path) %}
    {%- set names = cs_raw_file_columns(table_name, path) -%}
    {{ return({'names': names, 'written': names, 'empty': false}) }}
{% endmacro %}
