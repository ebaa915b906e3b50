{#- Contract constraints on Spark. Only Delta tables take `alter ... set not null`; the spark
    target writes Parquet (file_format in dbt_project.yml), where dbt-spark would silently skip
    them. Here a Parquet table's not_null constraints are checked on the data instead: a null
    fails the model, as the constraint would on DuckDB. -#}
{% macro spark__persist_constraints(relation, model) %}
    {%- set contract_config = config.get('contract') -%}
    {%- if not contract_config.enforced -%}
        {{ return('') }}
    {%- endif -%}
    {%- if config.get('file_format', 'delta') == 'delta' -%}
        {%- do alter_table_add_constraints(relation, model.constraints) -%}
        {%- do alter_column_set_constraints(relation, model.columns) -%}
        {{ return('') }}
    {%- endif -%}
    {%- set checks = [] -%}
    {%- for column_name, column in model.columns.items() -%}
        {%- for constraint in column.constraints if constraint.type == 'not_null' -%}
            {%- do checks.append(column_name) -%}
        {%- endfor -%}
    {%- endfor -%}
    {%- if checks | length > 0 -%}
        {%- set counts = [] -%}
        {%- for column_name in checks -%}
            {%- do counts.append('count(case when ' ~ column_name ~ ' is null then 1 end)') -%}
        {%- endfor -%}
        {%- set found = run_query('select ' ~ (counts | join(', ')) ~ ' from ' ~ relation).rows[0] -%}
        {%- set offenders = [] -%}
        {%- for column_name in checks -%}
            {%- if found[loop.index0] > 0 -%}
                {%- do offenders.append(column_name ~ ' (' ~ found[loop.index0] ~ ' nulls)') -%}
            {%- endif -%}
        {%- endfor -%}
        {%- if offenders | length > 0 -%}
            {{ exceptions.raise_compiler_error('not_null constraint violated in ' ~ relation ~ ': '
                ~ (offenders | join(', '))) }}
        {%- endif -%}
    {%- endif -%}
{% endmacro %}
