{#- The mean of a double that is a whole number of 1/units (hours from whole seconds: units 3600;
    scores rounded to 2 decimals: units 100), summed exactly as integers so the result does not
    depend on the order rows are read in: an incremental build and a full refresh give the same
    bits. Nulls are ignored, as by avg. -#}
{% macro cs_exact_avg(expression, units) -%}
    (avg(cast(round({{ expression }} * {{ units }}) as bigint)) / {{ units }})
{%- endmacro %}
