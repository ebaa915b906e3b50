{#- post-hook of int_source_months_fingerprinted: keep only this build and the latest committed
    one. -#}
{% macro cs_prune_source_fingerprints() %}
    {%- if not cs_updates_in_place() -%}
        {{ return('') }}
    {%- endif %}
    delete from {{ this }}
    where build_id <> '{{ invocation_id }}'
        and built_at < coalesce(
            (select max(built_at) from {{ this }} where is_committed),
            cast('{{ run_started_at.strftime("%Y-%m-%d %H:%M:%S") }}' as timestamp)
        )
{% endmacro %}
