{#- How many times a year a billing interval is billed (month 12, quarter 4, year 1): an amount per
    interval times this factor is its yearly value, and / 12 its monthly one. Multiplying first
    keeps decimal arithmetic exact (a division by 3 would not be). -#}
{% macro cs_annualising_factor(billing_interval) -%}
    case {{ billing_interval }} when 'month' then 12 when 'quarter' then 4 when 'year' then 1 end
{%- endmacro %}
