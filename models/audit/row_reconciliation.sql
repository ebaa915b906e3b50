{# grain: one row per raw table #}
{{ config(post_hook={'sql': "{{ cs_assert_quarantine_share(this) }}", 'transaction': false}) }}
{{ cs_base_model_refs() }}
with

{% set base_models = cs_base_models() %}
{#- lines the CSV reader could not split into the header's columns: read and quarantined #}
rejected_lines as (
    {% for table_name in base_models -%}
    select
        '{{ table_name }}' as source_table,
        count(*) as rows_rejected
    from {{ cs_rejected_lines_relation(table_name) }}
    {% if not loop.last %}union all
    {% endif -%}
    {% endfor %}
),

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

with_rejected_lines as (
    select
        unioned.source_table,
        unioned.rows_read + coalesce(rejected_lines.rows_rejected, 0) as rows_read,
        unioned.rows_kept,
        unioned.rows_quarantined + coalesce(rejected_lines.rows_rejected, 0) as rows_quarantined,
        unioned.duplicates_removed
    from unioned
    left join rejected_lines on unioned.source_table = rejected_lines.source_table
),

final as (
    select
        source_table,
        cast(rows_read as bigint) as rows_read,
        cast(rows_kept as bigint) as rows_kept,
        cast(rows_quarantined as bigint) as rows_quarantined,
        cast(duplicates_removed as bigint) as duplicates_removed,
        {{ cs_safe_divide('rows_quarantined', 'rows_read') }} as quarantine_share
    from with_rejected_lines
)

select * from final
