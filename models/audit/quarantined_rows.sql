{# grain: one row per distinct raw row that breaks the raw contract, or raw CSV line the reader rejected #}
{{ cs_base_model_refs() }}
with

{% set base_models = cs_base_models() %}
{% for base_model in base_models.values() -%}
{{ base_model }} as (
    select source_table, row_key, quarantine_reason, raw_row
    from {{ ref(base_model) }}
    where quarantine_reason is not null
),

{% endfor -%}
{#- a line the CSV reader could not split into the header's columns: no key can be read from it #}
rejected_lines as (
    {% for table_name in base_models -%}
    select
        source_table,
        'line ' || cast(line_number as string) as row_key,
        reason as quarantine_reason,
        {{ cs_json_object(['line_number', 'raw_line']) }} as raw_row
    from {{ cs_rejected_lines_relation(table_name) }}
    {% if not loop.last %}union all
    {% endif -%}
    {% endfor %}
),

unioned as (
    {% for base_model in base_models.values() -%}
    select * from {{ base_model }}
    union all
    {% endfor -%}
    select * from rejected_lines
),

final as (
    select
        source_table,
        row_key,
        quarantine_reason as reason,
        raw_row,
        current_timestamp as loaded_at
    from unioned
)

select * from final
