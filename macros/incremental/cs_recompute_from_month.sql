{#- The first month an incremental run recomputes (int_incremental_window_resolved), as a scalar
    subquery. Every incremental model recomputes exactly the months from it on: its pre-hook
    (cs_delete_recomputed) deletes them and its `is_incremental()` filter selects them again. The
    model must depend on the window (cs_incremental_recompute_config declares it) so dbt builds the
    window first. -#}
{% macro cs_recompute_from_month() -%}
    (select recompute_from_month from {{ ref('int_incremental_window_resolved') }})
{%- endmacro %}
