{#- Monthly cents from an exact annualised USD sum (int_customer_months_mrr): DuckDB turns a
    decimal division into a double, so the sum / 12 is first rounded through a double
    (cs_cents_approximation), which can be one cent off only next to a half cent; the exact
    decimal comparison 12 x cents - 0.06 <= sum < 12 x cents + 0.06 then corrects it
    (cs_cents_corrected). Sums are >= 0, so half up is half away from zero. -#}
{% macro cs_cents_approximation(annualised) -%}
    {#- to cents first: a double cast straight to 16 decimals keeps its binary error -#}
    cast(cast(round(cast({{ annualised }} as double) / 12, 2) as decimal(38, 2)) as decimal(38, 16))
{%- endmacro %}

{% macro cs_cents_corrected(annualised, approximation) -%}
    case
        when {{ annualised }} >= {{ approximation }} * 12 + cast(0.06 as decimal(38, 16))
            then {{ approximation }} + cast(0.01 as decimal(38, 16))
        when {{ annualised }} < {{ approximation }} * 12 - cast(0.06 as decimal(38, 16))
            then {{ approximation }} - cast(0.01 as decimal(38, 16))
        else {{ approximation }}
    end
{%- endmacro %}
