{#- pre-hook of an incremental model: on an incremental run, delete the rows that the run
    recomputes: those whose month column (or any of also_month_columns) is a recomputed month, and
    with ticket_column, those about a ticket created in a recomputed month. -#}
{% macro cs_delete_recomputed(month_column, also_month_columns=[], ticket_column=none) %}
    {%- if is_incremental() and cs_updates_in_place() -%}
        delete from {{ this }}
        where {{ month_column }} >= {{ cs_recompute_from_month() }}
        {%- for column in also_month_columns %}
            or {{ column }} >= {{ cs_recompute_from_month() }}
        {%- endfor %}
        {%- if ticket_column %}
            or {{ ticket_column }} in (
                select ticket_id from {{ ref('stg_support__tickets') }}
                where created_at >= cast({{ cs_recompute_from_month() }} as timestamp)
            )
        {%- endif -%}
    {%- endif -%}
{% endmacro %}
