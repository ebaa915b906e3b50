{# grain: one row per distinct raw row that breaks the raw contract #}
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
unioned as (
    {% for base_model in base_models.values() -%}
    select * from {{ base_model }}
    {% if not loop.last %}union all
    {% endif -%}
    {% endfor %}
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
