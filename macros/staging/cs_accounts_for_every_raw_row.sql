{#- Data test: a validator (staging base model) accounts for every row of its raw table, once:
    its distinct rows and the exact duplicates collapsed into them (source_copies) add up to the
    rows of the raw file. Fails when a row vanished or was kept twice, e.g. by an incremental run
    that lost or re-inserted stored rows. -#}
{% test cs_accounts_for_every_raw_row(model, raw_table) %}
{%- set table = cs_raw_table(raw_table) if execute else none -%}
with

raw_rows as (
    select count(*) as row_count
    from {{ source(table.source, raw_table) if execute else model }}
),

validated_rows as (
    select coalesce(sum(source_copies), 0) as row_count
    from {{ model }}
),

compared as (
    select
        raw_rows.row_count as raw_row_count,
        validated_rows.row_count as validated_row_count
    from raw_rows
    cross join validated_rows
)

select * from compared
where raw_row_count <> validated_row_count
{% endtest %}
