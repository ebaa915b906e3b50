{#- The customer segments of the raw contract; marts add segment = 'all' for the whole base. -#}
{% macro cs_segments() %}
    {{ return(['smb', 'mid_market', 'enterprise']) }}
{% endmacro %}
