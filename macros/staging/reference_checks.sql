{#- The reference checks of the validator (cs_validated_rows), shared with the pre-hook of its
    incremental runs (macros/staging/cs_incremental_staging.sql), which checks stored rows again. -#}

{#- The sets a row's references are checked against: CTEs reference_<n> (the clean keys of each
    referenced model; for the table itself, `self_relation`'s rows without a local reason) and,
    with a currency column, convertible_currencies. Each CTE ends with a comma. -#}
{% macro cs_reference_sets(references, currency_column, self_relation='checked_locally') %}
{% for reference in references -%}
reference_{{ loop.index }} as (
    select distinct {{ reference.to_column }} as referenced_key
    {% if reference.get('self') -%}
    from {{ self_relation }}
    where local_reason is null
    {%- else -%}
    from {{ ref(reference.model) }}
    {%- endif %}
),

{% endfor -%}
{% if currency_column -%}
convertible_currencies as (
    select distinct currency as referenced_key from {{ ref('stg_billing__fx_rates') }}
    union all
    select 'USD' as referenced_key
),

{% endif -%}
{% endmacro %}

{#- The left joins of `relation` to the sets of cs_reference_sets. -#}
{% macro cs_reference_joins(references, currency_column, relation) -%}
    {% for reference in references -%}
    left join reference_{{ loop.index }}
        on {{ relation }}.{{ reference.column }} = reference_{{ loop.index }}.referenced_key
    {% endfor -%}
    {% if currency_column -%}
    left join convertible_currencies
        on {{ relation }}.{{ currency_column }} = convertible_currencies.referenced_key
    {% endif %}
{%- endmacro %}

{#- A row's quarantine reason: its local reason (column local_reason of `relation`) and every
    reference it breaks (joined by cs_reference_joins); null for a clean row. -#}
{% macro cs_quarantine_reason(references, currency_column, relation) -%}
    nullif(concat_ws(
            '; ',
            {{ relation }}.local_reason,
            {% for reference in references -%}
            case when {{ relation }}.{{ reference.column }} is not null
                    and reference_{{ loop.index }}.referenced_key is null
                then '{{ reference.column }} ''' || {{ relation }}.{{ reference.column }}
                    || ''' not found in {{ reference.table }}' end,
            {% endfor -%}
            {% if currency_column -%}
            case when {{ relation }}.{{ currency_column }} is not null
                    and convertible_currencies.referenced_key is null
                then 'no fx rate for currency ''' || {{ relation }}.{{ currency_column }} || '''' end,
            {% endif -%}
            cast(null as string)
        ), '')
{%- endmacro %}

{#- true when `relation` breaks any of its references (joined by cs_reference_joins). -#}
{% macro cs_reference_missing(references, currency_column, relation) -%}
    (
        false
        {% for reference in references -%}
        or ({{ relation }}.{{ reference.column }} is not null and reference_{{ loop.index }}.referenced_key is null)
        {% endfor -%}
        {% if currency_column -%}
        or ({{ relation }}.{{ currency_column }} is not null and convertible_currencies.referenced_key is null)
        {% endif -%}
    )
{%- endmacro %}
