{#- The median of an expression as an aggregate (continuous: the mean of the two middle values
    for an even count; nulls ignored; null for no values). Dispatched so each engine uses its own
    exact percentile function. -#}
{% macro cs_median(expr) -%}
    {{ return(adapter.dispatch('cs_median', 'customer_success')(expr)) }}
{%- endmacro %}

{% macro default__cs_median(expr) -%}
    percentile_cont(0.5) within group (order by {{ expr }})
{%- endmacro %}

{% macro duckdb__cs_median(expr) -%}
    quantile_cont({{ expr }}, 0.5)
{%- endmacro %}

{% macro spark__cs_median(expr) -%}
    percentile({{ expr }}, 0.5)
{%- endmacro %}
