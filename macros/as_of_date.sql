{#- The as_of_date setting as a SQL date literal, or none when unset. The dbt var wins over env
    CS_AS_OF_DATE. Anything that is not a real YYYY-MM-DD date is a clear error, never SQL. -#}
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
    {%- set leap = (year % 4 == 0 and year % 100 != 0) or year % 400 == 0 -%}
    {%- set month_days = [31, 29 if leap else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31] -%}
    {%- if month < 1 or month > 12 or day < 1 or day > month_days[month - 1] -%}
        {{ exceptions.raise_compiler_error('as_of_date is not a real calendar date: ' ~ configured) }}
    {%- endif -%}
    {{ return("date '" ~ configured ~ "'") }}
{% endmacro %}
