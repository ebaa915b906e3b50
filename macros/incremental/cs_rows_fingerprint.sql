{#- An order-independent fingerprint of a set of rows (aggregate over the given columns): two
    sets with the same fingerprint and row count are taken to be equal. -#}
{% macro cs_rows_fingerprint(columns) %}
    {{ return(adapter.dispatch('cs_rows_fingerprint', 'customer_success')(columns)) }}
{% endmacro %}

{% macro default__cs_rows_fingerprint(columns) -%}
    bit_xor(hash({{ columns | join(', ') }}))
{%- endmacro %}
