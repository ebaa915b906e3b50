{#- The as_of_date setting as a SQL date literal, or none when unset. The dbt var wins over env
    CS_AS_OF_DATE. Anything that is not a real YYYY-MM-DD date is a clear error when dbt parses
    the project, before any SQL runs. A day that does not exist in its month (2025-02-30) lands in
    another month when counted from the first of the month, so it fails the round trip. -#}
{% macro cs_as_of_date_literal() %}
    {%- set configured = var('as_of_date', none) -%}
    {%- if configured is none or (configured | string | trim) in ('', 'None', 'none', 'null') -%}
        {%- set configured = env_var('CS_AS_OF_DATE', '') -%}
    {%- endif -%}
    {%- set configured = configured | string | trim -%}
    {%- if configured == '' -%}
        {{ return(none) }}
    {%- endif -%}
    {%- if not modules.re.match('^[0-9]{4}-[0-9]{2}-[0-9]{2}$', configured) -%}
        {{ exceptions.raise_compiler_error('as_of_date must be a date YYYY-MM-DD, got: ' ~ configured) }}
    {%- endif -%}
    {%- set year = configured[0:4] | int -%}
    {%- set month = configured[5:7] | int -%}
    {%- set day = configured[8:10] | int -%}
    {%- set is_real = year >= 1 and 1 <= month <= 12 and (
        modules.datetime.date(year, month, 1) + modules.datetime.timedelta(days=day - 1)
    ).isoformat() == configured -%}
    {%- if not is_real -%}
        {{ exceptions.raise_compiler_error('as_of_date is not a real calendar date: ' ~ configured) }}
    {%- endif -%}
    {{ return("date '" ~ configured ~ "'") }}
{% endmacro %}
