{#- Contract checks build `cast(null as <data_type>)` from the YAML data types through dbt.cast.
    Spark has no bare `varchar` (it needs a length); its text type is `string`, which is what the
    models produce, so the contract's `varchar` is read as `string` on Spark. -#}
{% macro spark__cast(field, type) -%}
    {%- set spark_type = 'string' if (type | string | trim | lower) in ('varchar', 'text') else type -%}
    cast({{ field }} as {{ spark_type }})
{%- endmacro %}
