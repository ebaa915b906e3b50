{# grain: one row per raw table #}
{{ config(post_hook={'sql': "{{ cs_assert_quarantine_share(this) }}", 'transaction': false}) }}
{{ cs_base_model_refs() }}
with

{% set base_models = cs_base_models() %}
{% for table_name, base_model in base_models.items() -%}
{{ base_model }} as (
    select
        '{{ table_name }}' as source_table,
        coalesce(sum(source_copies), 0) as rows_read,
        count(case when quarantine_reason is null then 1 end) as rows_kept,
        count(case when quarantine_reason is not null then 1 end) as rows_quarantined,
        coalesce(sum(source_copies - 1), 0) as duplicates_removed
    from {{ ref(base_model) }}
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
        cast(rows_read as bigint) as rows_read,
        cast(rows_kept as bigint) as rows_kept,
        cast(rows_quarantined as bigint) as rows_quarantined,
        cast(duplicates_removed as bigint) as duplicates_removed,
        {{ cs_safe_divide('rows_quarantined', 'rows_read') }} as quarantine_share
    from unioned
)

select * from final
