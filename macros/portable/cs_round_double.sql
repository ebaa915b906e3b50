{#- A double rounded to `places` decimals exactly as DuckDB's round(double, places) does: the
    double times 10^places rounded half away from zero, divided back. Spark's round(double) rounds
    the shortest decimal text of the double instead (1.005 -> 1.01 where DuckDB gives 1.0), so
    Spark gets DuckDB's arithmetic spelled out (x.5 is exact in binary, so both agree on ties).
    For decimals use round(): both engines round decimals exactly, half away from zero. -#}
{% macro cs_round_double(expr, places) -%}
    {{ return(adapter.dispatch('cs_round_double', 'customer_success')(expr, places)) }}
{%- endmacro %}

{% macro default__cs_round_double(expr, places) -%}
    round({{ expr }}, {{ places }})
{%- endmacro %}

{% macro spark__cs_round_double(expr, places) -%}
    (round(cast({{ expr }} as double) * {{ 10 ** places }}, 0) / {{ 10 ** places }})
{%- endmacro %}

{#- The same as a call block, for a long expression:
    {% call cs_rounded_double(2) %} case ... end {% endcall %} -#}
{% macro cs_rounded_double(places) -%}
    {{ cs_round_double(caller(), places) }}
{%- endmacro %}
