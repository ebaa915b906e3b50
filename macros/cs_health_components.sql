{#- The account health components, in the order that breaks main-risk-factor ties, each with its
    configured weight (dbt var health_weight_<name>, the one place the weights are set). Raises a
    compile error unless every weight is a number >= 0 and not all are 0, so every model that
    reads the weights reads validated ones. Each component's score column is <name>_score. -#}
{% macro cs_health_components() %}
    {%- set components = [] -%}
    {%- set ns = namespace(total_weight=0) -%}
    {%- for name in ['usage', 'spend_trend', 'support', 'sentiment', 'payment', 'engagement'] -%}
        {%- set weight = var('health_weight_' ~ name) -%}
        {%- if weight is not number or weight is boolean or weight < 0 -%}
            {{ exceptions.raise_compiler_error(
                'var health_weight_' ~ name ~ ' must be a number >= 0, got: ' ~ weight) }}
        {%- endif -%}
        {%- set ns.total_weight = ns.total_weight + weight -%}
        {%- do components.append({'name': name, 'weight': weight}) -%}
    {%- endfor -%}
    {%- if ns.total_weight <= 0 -%}
        {{ exceptions.raise_compiler_error('the health_weight_* vars must not all be 0') }}
    {%- endif -%}
    {{ return(components) }}
{% endmacro %}
