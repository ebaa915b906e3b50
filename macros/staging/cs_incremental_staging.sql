{#- Incremental runs of a validator (cs_validated_rows with incremental=true).

    The raw files are full exports, and the bad-row rules are global (a late twin quarantines a
    row kept yesterday; references are checked against today's clean parents), so an incremental
    run must find exactly which stored rows could come out differently today. Its pre-hooks:

    1. compare, day by day of the table's event_column (raw contract), the raw rows with the
       rows the table was built from: row count and the sum of the raw rows' 64-bit hashes
       (raw_row_hash, stored per distinct row with its source_copies). A day that differs has
       changed (days, not months: a day's new and late rows then send only those days' keys to
       be validated again, not a whole month of them). A raw row's day is the engine's plain
       cast of its text (cs_raw_day_bucket: the full parse of every raw timestamp costs more
       than the rest of the comparison), a stored row's day that of its typed value; the two
       agree for ISO text;
    2. check every stored row's references again against today's parents: a row whose
       quarantine reason would come out differently has flipped;
    3. the keys to validate again: the keys (hash of the typed key) of the raw and the stored
       rows of the changed days and of the flipped rows, written to <model>__recomputed_keys;
    4. delete the stored rows of those keys.

    The model then validates every raw row of those keys, in whatever day it lies, so exact
    duplicates and key twins are judged among all rows of the key, and inserts them (append).
    A key outside that set has the same raw rows as yesterday (all its rows lie in unchanged
    days) and the same reference answers, so its stored rows stand. A hash collision only
    makes a key be validated again without need. The helper table is dropped by the post-hook.

    Why any bucket of a raw row works, even where the raw and the stored side disagree (a text
    with a zone offset, whose UTC day is another one): a day whose raw and stored multisets are
    equal holds the same raw rows on both sides, so a key whose raw rows today and stored rows
    all lie in unchanged days has exactly yesterday's raw rows. A disagreeing row only makes its
    two days count as changed on every run (more keys validated again, the same result). -#}

{#- The config of an incremental validator; tables that cannot be updated in place (Spark) stay
    tables rebuilt in full. The pre-hooks read the table's columns and event_column from the raw
    contract when they run. -#}
{% macro cs_incremental_staging_config(source_name, table_name, references, currency_column) %}
    {%- for reference in references if reference.get('self') -%}
        {{ exceptions.raise_compiler_error(table_name ~ ': an incremental validator cannot check a reference to its own table') }}
    {%- endfor -%}
    {%- if not cs_updates_in_place() -%}
        {{ return('') }}
    {%- endif -%}
    {%- set args = {'source_name': source_name, 'table_name': table_name, 'references': references} -%}
    {%- if currency_column -%}
        {%- do args.update({'currency_column': currency_column}) -%}
    {%- endif -%}
    {#- on_schema_change: a table built by a full validator lacks raw_row_hash and local_reason;
        its first incremental run validates every key again and adds them -#}
    {%- do config(
        materialized='incremental',
        incremental_strategy='append',
        on_schema_change='append_new_columns',
        pre_hook=[
            '{{ cs_staging_pick_recomputed_keys(' ~ tojson(args) ~ ') }}',
            '{{ cs_staging_delete_recomputed(' ~ tojson(args) ~ ') }}',
        ],
        post_hook='drop table if exists {{ cs_recomputed_keys_relation() }}',
    ) -%}
{% endmacro %}

{#- The day column of an incremental validator's table: its event_column in the raw contract,
    which must be a date or timestamp. -#}
{% macro cs_staging_bucket_column(table) %}
    {%- set bucket = table.columns | selectattr('name', 'equalto', table.event_column) | list -%}
    {%- if bucket | length != 1 or bucket[0].type not in ('date', 'timestamp') -%}
        {{ exceptions.raise_compiler_error('an incremental validator needs an event_column (a date or timestamp column) in the raw contract, got: ' ~ table.event_column) }}
    {%- endif -%}
    {{ return(bucket[0]) }}
{% endmacro %}

{#- The helper table of the keys an incremental run validates again. -#}
{% macro cs_recomputed_keys_relation() -%}
    {{ this.incorporate(path={'identifier': this.identifier ~ '__recomputed_keys'}) }}
{%- endmacro %}

{#- The day bucket of a date or timestamp expression (timestamps are UTC); a missing or
    unparseable date has the bucket 0001-01-01. -#}
{% macro cs_day_bucket(expression) -%}
    coalesce(cast({{ expression }} as date), cast('0001-01-01' as date))
{%- endmacro %}

{#- The day bucket of a raw text value of a date or timestamp column (contract column): the day
    the engine's own cast reads from it (2025-03-04 of '2025-03-04T10:15:00Z'), not the full
    parse of cs_parse_typed. On Parquet input the engine folds the cast back into the typed
    column, where slicing the text (left(..., 10)) would read every value as text. -#}
{% macro cs_raw_day_bucket(column) -%}
    {%- if column.get('type') == 'timestamp' -%}
        {{ cs_day_bucket('try_cast(' ~ column.name ~ ' as timestamp)') }}
    {%- else -%}
        {{ cs_day_bucket('try_cast(' ~ column.name ~ ' as date)') }}
    {%- endif -%}
{%- endmacro %}

{#- pre-hook 1: steps 1-3 of the header. -#}
{% macro cs_staging_pick_recomputed_keys(args) %}
    {%- if not is_incremental() -%}
        {{ return('') }}
    {%- endif -%}
    {%- set table = cs_raw_table(args.table_name) -%}
    {%- set columns = table.columns -%}
    {%- set names = columns | map(attribute='name') | list -%}
    {%- set key_columns = table.key -%}
    {%- set bucket_spec = cs_staging_bucket_column(table) -%}
    {%- set currency_column = args.get('currency_column') -%}
    {%- set stored_columns = adapter.get_columns_in_relation(this) | map(attribute='name') | map('lower') | list -%}
    {%- set built_before = 'raw_row_hash' not in stored_columns or 'local_reason' not in stored_columns -%}
    {%- set raw_bucket = cs_raw_day_bucket(bucket_spec) -%}
    {%- set stored_bucket = cs_day_bucket('stored.' ~ bucket_spec.name) -%}
    {%- set stored_keys = [] -%}
    {%- for key in key_columns -%}{%- do stored_keys.append('stored.' ~ key) -%}{%- endfor %}
    create or replace table {{ cs_recomputed_keys_relation() }} as
    {% if built_before -%}
    -- a table without raw_row_hash or local_reason (built by a full validator): every key is
    -- validated again
    select {{ cs_typed_key_hash(key_columns, columns) }} as key_hash
    from {{ source(args.source_name, args.table_name) }}
    union
    select {{ cs_hash64(key_columns) }} as key_hash
    from {{ this }}
    {%- else -%}
    with

    {#- read where needed, not held in memory for their several readers #}
    source as {{ cs_cte_not_materialized() }} (
        select * from {{ source(args.source_name, args.table_name) }}
    ),

    stored as {{ cs_cte_not_materialized() }} (
        select * from {{ this }}
    ),

    {{ cs_reference_sets(args.references, currency_column) }}
    raw_days as (
        select
            {{ raw_bucket }} as bucket,
            count(*) as row_count,
            sum(cast({{ cs_raw_row_hash(names) }} as hugeint)) as row_hash_sum
        from source
        group by 1
    ),

    stored_days as (
        select
            {{ stored_bucket }} as bucket,
            sum(stored.source_copies) as row_count,
            sum(cast(stored.raw_row_hash as hugeint) * stored.source_copies) as row_hash_sum
        from stored
        group by 1
    ),

    changed_days as (
        select coalesce(raw_days.bucket, stored_days.bucket) as bucket
        from raw_days
        full outer join stored_days on raw_days.bucket = stored_days.bucket
        where raw_days.row_count is distinct from stored_days.row_count
            or raw_days.row_hash_sum is distinct from stored_days.row_hash_sum
    ),

    raw_keys_of_changed_days as (
        select {{ cs_typed_key_hash(key_columns, columns) }} as key_hash
        from source
        where {{ raw_bucket }} in (select changed_days.bucket from changed_days)
    ),

    stored_keys_of_changed_days as (
        select {{ cs_hash64(stored_keys) }} as key_hash
        from stored
        where {{ stored_bucket }} in (select changed_days.bucket from changed_days)
    ),

    flipped_keys as (
        select {{ cs_hash64(stored_keys) }} as key_hash
        from stored
        {{ cs_reference_joins(args.references, currency_column, 'stored') }}
        where case
            {#- a clean row (no local reason either) flips when a reference is missing now; only
                the few quarantined rows need their reason text built again #}
            when stored.quarantine_reason is null
                then {{ cs_reference_missing(args.references, currency_column, 'stored') }}
            else {{ cs_quarantine_reason(args.references, currency_column, 'stored') }}
                is distinct from stored.quarantine_reason
        end
    ),

    recomputed_keys as (
        select key_hash from raw_keys_of_changed_days
        union
        select key_hash from stored_keys_of_changed_days
        union
        select key_hash from flipped_keys
    )

    select * from recomputed_keys
    {%- endif %}
{% endmacro %}

{#- pre-hook 2: step 4 of the header. -#}
{% macro cs_staging_delete_recomputed(args) %}
    {%- if not is_incremental() -%}
        {{ return('') }}
    {%- endif -%}
    {%- set key_columns = cs_raw_table(args.table_name).key %}
    delete from {{ this }}
    where {{ cs_hash64(key_columns) }} in (
        select recomputed.key_hash from {{ cs_recomputed_keys_relation() }} as recomputed
    )
{% endmacro %}
