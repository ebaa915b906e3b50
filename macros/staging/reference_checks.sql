{#- The reference checks of the validator (cs_validated_rows), shared with the pre-hook of its
    incremental runs (macros/staging/cs_incremental_staging.sql), which checks stored rows again. -#}

{#- The sets a row's references are checked against: CTEs reference_<n> (the clean keys of each
    referenced model) and, with a currency column, convertible_currencies. Each CTE ends with a
    comma.

    A reference to the table itself (e.g. a customer referred by a customer) is followed to any
    depth: a row is clean only when its whole chain of parents is, so one quarantined row takes
    every row below it along, and the `relationships` test on the clean model holds by
    construction. From `self_relation` (one row per distinct raw row, column local_reason), the
    rows without a local reason are walked from the top down by a recursive CTE: a row whose
    parent is empty starts a clean chain, a row whose parent is not such a row (missing, or
    quarantined for a reason of its own) starts a quarantined one, and each child takes its
    parent's state. Every row has one parent, so each is reached once (union all terminates, no
    depth bound needed); the rows never reached are the members of reference cycles and the rows
    below them. reference_<n> then holds every key of the table with its state: clean,
    quarantined or cycle. -#}
{% macro cs_reference_sets(references, currency_column, self_relation='checked_locally') %}
{% for reference in references -%}
{% if reference.get('self') -%}
reference_{{ loop.index }}_candidates as (
    select
        {{ reference.to_column }} as referenced_key,
        {{ reference.column }} as parent_key
    from {{ self_relation }}
    where local_reason is null
),

reference_{{ loop.index }}_walked as (
    select
        child.referenced_key,
        child.parent_key is null as is_clean
    from reference_{{ loop.index }}_candidates as child
    left join reference_{{ loop.index }}_candidates as parent
        on child.parent_key = parent.referenced_key
    where child.parent_key is null or parent.referenced_key is null

    union all

    select
        child.referenced_key,
        parent.is_clean
    from reference_{{ loop.index }}_candidates as child
    inner join reference_{{ loop.index }}_walked as parent
        on child.parent_key = parent.referenced_key
),

reference_{{ loop.index }} as (
    select distinct
        every_row.{{ reference.to_column }} as referenced_key,
        case
            when walked.is_clean then 'clean'
            when every_row.local_reason is null and walked.referenced_key is null then 'cycle'
            else 'quarantined'
        end as referenced_state
    from {{ self_relation }} as every_row
    left join reference_{{ loop.index }}_walked as walked
        on every_row.{{ reference.to_column }} = walked.referenced_key
    where every_row.{{ reference.to_column }} is not null
),

{% else -%}
reference_{{ loop.index }} as (
    select distinct {{ reference.to_column }} as referenced_key
    from {{ ref(reference.model) }}
),

{% endif -%}
{% endfor -%}
{% if currency_column -%}
convertible_currencies as (
    select distinct currency as referenced_key from {{ ref('stg_billing__fx_rates') }}
    union all
    select 'USD' as referenced_key
),

{% endif -%}
{% endmacro %}

{#- true when `references` hold a reference to the table itself: its validator's query then
    needs `with recursive` (cs_reference_sets). -#}
{% macro cs_has_self_reference(references) %}
    {%- for reference in references if reference.get('self') -%}
        {{ return(true) }}
    {%- endfor -%}
    {{ return(false) }}
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
                    || ''' not found in {{ reference.table }}'
            {%- if reference.get('self') %}
                when reference_{{ loop.index }}.referenced_state = 'quarantined'
                then '{{ reference.column }} ''' || {{ relation }}.{{ reference.column }}
                    || ''' is quarantined in {{ reference.table }}'
                when reference_{{ loop.index }}.referenced_state = 'cycle'
                then '{{ reference.column }} ''' || {{ relation }}.{{ reference.column }}
                    || ''' leads into a reference cycle in {{ reference.table }}'
            {%- endif %} end,
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
        {% if reference.get('self') -%}
        or ({{ relation }}.{{ reference.column }} is not null and reference_{{ loop.index }}.referenced_state <> 'clean')
        {% endif -%}
        {% endfor -%}
        {% if currency_column -%}
        or ({{ relation }}.{{ currency_column }} is not null and convertible_currencies.referenced_key is null)
        {% endif -%}
    )
{%- endmacro %}
