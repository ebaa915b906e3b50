{#- numerator / denominator as a double; null when the denominator is 0 or null (a rate with a
    zero denominator is null, never 0 and never an error). -#}
{% macro cs_safe_divide(numerator, denominator) -%}
    (cast({{ numerator }} as double) / nullif(cast({{ denominator }} as double), 0))
{%- endmacro %}
