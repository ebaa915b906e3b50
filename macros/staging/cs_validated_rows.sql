{#- The bad-row rules of the raw contract, applied to one raw table from its columns in the
    contract (cs_raw_table), so every raw table gets exactly the same treatment. Produces one row
    per *distinct* raw row with:
      - the contract's columns, typed (text trimmed, numbers/dates/timestamps/booleans parsed);
      - source_table; row_key (the key columns joined by '|') and raw_row (the raw text row as
        JSON): quarantined rows only, null for a clean row;
      - source_copies (how many identical raw rows collapsed into this one);
      - quarantine_reason: null for a clean row, else every reason the row breaks the contract.
    The model's own logic comes as arguments:
    checks: [{'when': <sql on typed columns>, 'reason': <text>}] (rules across columns)
    references: [{'column', 'model' (a clean staging model) or 'self': true, 'to_column', 'table'}]
      (a 'self' reference points at the table's own single-column key, and is followed to any
      depth: a row below a quarantined one is quarantined too)
    currency_column: a currency column whose amounts must be convertible to USD.
    incremental: where tables can be updated in place, an incremental run validates again only
      the keys whose raw rows changed, by the day of the table's event_column, or whose
      references give another answer today (macros/staging/cs_incremental_staging.sql); such a
      model also keeps raw_row_hash and local_reason of every row for that comparison. -#}
{% macro cs_validated_rows(source_name, table_name, checks=[], references=[], currency_column=none, incremental=false) %}
{%- set table = cs_raw_table(table_name) if execute else {'key': [], 'columns': []} -%}
{%- if execute and table.source != source_name -%}
    {{ exceptions.raise_compiler_error('raw table ' ~ table_name ~ ' belongs to source ' ~ table.source ~ ', not ' ~ source_name) }}
{%- endif -%}
{%- set key_columns = table.key -%}
{%- set columns = table.columns -%}
{%- set names = columns | map(attribute='name') | list -%}
{%- do cs_rejected_lines_hooks(table_name) -%}
{%- if incremental -%}
    {%- do cs_incremental_staging_config(source_name, table_name, references, currency_column) -%}
    {%- if execute -%}{%- do cs_staging_bucket_column(table) -%}{%- endif -%}
{%- endif -%}
{%- for reference in references if execute and reference.get('self') and key_columns != [reference.to_column] -%}
    {{ exceptions.raise_compiler_error(table_name ~ ': a reference to the table itself must point at its single-column key, not ' ~ reference.to_column) }}
{%- endfor -%}
{%- set recompute_keys = incremental and is_incremental() %}
{#- recursive: a reference to the table itself is followed to any depth (cs_reference_sets) #}
with{{ ' recursive' if cs_has_self_reference(references) }}

{#- the raw rows are read again by each reader (a full raw table held in memory spills at
    scale); only an incremental run's few rows are held #}
source as {{ cs_cte_materialized() if recompute_keys else cs_cte_not_materialized() }} (
    select * from {{ source(source_name, table_name) }}
    {%- if recompute_keys %}
    -- an incremental run validates again only the rows of the keys its pre-hook picked
    where {{ cs_typed_key_hash(key_columns, columns) }} in (
        select key_hash from {{ cs_recomputed_keys_relation() }}
    )
    {%- endif %}
),

{#- Exact duplicates share their key, so only rows whose typed key occurs more than once can
    collapse or be key twins. Those keys are found through a hash of the typed key (a narrow
    aggregate), and only their rows are grouped by every column; every other row is a distinct
    row of its own (source_copies 1). A hash collision only sends a few more rows the exact way,
    so the result is the same as grouping every row by all its columns, at a fraction of the
    memory (a group by of every row by all its columns spills at scale). -#}
keyed as {{ cs_cte_not_materialized() }} (
    select
        source.*,
        {{ cs_typed_key_hash(key_columns, columns) }} as key_hash
    from source
),

repeated_key_hashes as (
    select key_hash
    from keyed
    group by key_hash
    having count(*) > 1
),

{#- inlined into each reader (typed feeds both the key counts and the checks): DuckDB would
    otherwise hold every row of these CTEs in memory, which spills at scale; the key counts read
    only the few rows of repeated keys again -#}
distinct_rows as {{ cs_cte_not_materialized() }} (
    select
        {% for name in names -%}
        keyed.{{ name }} as raw__{{ name }},
        {% endfor -%}
        1 as source_copies,
        false as has_repeated_key
    from keyed
    left join repeated_key_hashes on keyed.key_hash = repeated_key_hashes.key_hash
    where repeated_key_hashes.key_hash is null

    union all

    select
        {% for name in names -%}
        keyed.{{ name }} as raw__{{ name }},
        {% endfor -%}
        count(*) as source_copies,
        true as has_repeated_key
    from keyed
    inner join repeated_key_hashes on keyed.key_hash = repeated_key_hashes.key_hash
    group by {% for name in names %}keyed.{{ name }}{{ ', ' if not loop.last }}{% endfor %}
),

typed as {{ cs_cte_not_materialized() }} (
    select
        {% for column in columns -%}
        {{ cs_parse_typed(column, 'raw__' ~ column.name) }} as {{ column.name }},
        {% endfor -%}
        distinct_rows.*
    from distinct_rows
),

key_counts as (
    select
        {% for key in key_columns %}{{ key }},{% endfor %}
        count(*) as rows_with_key
    from typed
    where has_repeated_key
        and {% for key in key_columns %}{{ key }} is not null{{ ' and ' if not loop.last }}{% endfor %}
    group by {% for key in key_columns %}{{ key }}{{ ', ' if not loop.last }}{% endfor %}
    -- only the keys of key twins: a small table to join back (a unique key gets null)
    having count(*) > 1
),

checked_locally as (
    select
        typed.*,
        nullif(concat_ws(
            '; ',
            {% for key in key_columns -%}
            case when typed.{{ key }} is null then 'missing key {{ key }}' end,
            {% endfor -%}
            case when key_counts.rows_with_key > 1
                then 'key ' || {{ cs_row_key(key_columns, 'typed') }} || ' appears in '
                    || cast(key_counts.rows_with_key as string) || ' different rows' end,
            {% for column in columns -%}
            {{ cs_column_reasons(column, is_key=column.name in key_columns) }},
            {% endfor -%}
            {% for check in checks -%}
            case when {{ check.when }} then '{{ check.reason }}' end,
            {% endfor -%}
            cast(null as string)
        ), '') as local_reason
    from typed
    left join key_counts
        on {% for key in key_columns %}typed.{{ key }} = key_counts.{{ key }}{{ ' and ' if not loop.last }}{% endfor %}
),

{{ cs_reference_sets(references, currency_column) }}
checked as (
    select
        checked_locally.*,
        {{ cs_quarantine_reason(references, currency_column, 'checked_locally') }} as quarantine_reason
    from checked_locally
    {{ cs_reference_joins(references, currency_column, 'checked_locally') }}
),

final as (
    select
        {% for name in names -%}
        {{ name }},
        {% endfor -%}
        '{{ table_name }}' as source_table,
        -- only a quarantined row needs its key and raw text (audit.quarantined_rows): building
        -- them for every clean row costs staging time and warehouse size for nothing
        case when quarantine_reason is not null
            then {{ cs_row_key(key_columns, 'checked', raw=true) }} end as row_key,
        case when quarantine_reason is not null then {{ cs_json_object(names, 'raw__') }} end as raw_row,
        source_copies,
        {% if incremental -%}
        {{ cs_raw_row_hash(names, 'raw__') }} as raw_row_hash,
        local_reason,
        {% endif -%}
        quarantine_reason
    from checked
)

select * from final
{% endmacro %}

{#- A 64-bit hash of a row's raw text columns (named with `prefix`), in the contract's column
    order: the identity of a distinct raw row. -#}
{% macro cs_raw_row_hash(names, prefix='') -%}
    {%- set prefixed = [] -%}
    {%- for name in names -%}{%- do prefixed.append(prefix ~ name) -%}{%- endfor -%}
    {{ cs_hash64(prefixed) }}
{%- endmacro %}

{#- A 64-bit hash of a row's typed key, read from the raw columns (named as in the contract). -#}
{% macro cs_typed_key_hash(key_columns, columns) -%}
    {%- set typed_keys = [] -%}
    {%- for key in key_columns -%}
        {%- for column in columns if column.name == key -%}
            {%- do typed_keys.append(cs_parse_typed(column, key)) -%}
        {%- endfor -%}
    {%- endfor -%}
    {%- if typed_keys | length != key_columns | length -%}
        {{ exceptions.raise_compiler_error('every key column (' ~ (key_columns | join(', ')) ~ ') must be a column of the table') }}
    {%- endif -%}
    {{ cs_hash64(typed_keys) }}
{%- endmacro %}

{#- Readable reasons for one column: missing, unparseable, not in its set, out of range. -#}
{% macro cs_column_reasons(column, is_key=false) -%}
    {%- set name = column.name -%}
    {%- set raw = 'typed.raw__' ~ name -%}
    {#- reasons name integers and booleans by their short SQL names -#}
    {%- set kind = {'integer': 'int', 'boolean': 'bool'}.get(column.type, column.type) -%}
    {%- set reasons = [] -%}
    {%- if column.get('required') and not is_key -%}
        {%- do reasons.append("case when " ~ cs_text(raw) ~ " is null then 'missing " ~ name ~ "' end") -%}
    {%- endif -%}
    {%- if kind != 'string' -%}
        {%- do reasons.append("case when " ~ cs_text(raw) ~ " is not null and typed." ~ name
            ~ " is null then '" ~ name ~ " ''' || " ~ raw ~ " || ''' is not a valid " ~ kind ~ "' end") -%}
    {%- endif -%}
    {%- if column.get('accepted') -%}
        {%- set quoted = [] -%}
        {%- for value in column.accepted -%}{%- do quoted.append("'" ~ value ~ "'") -%}{%- endfor -%}
        {%- do reasons.append("case when typed." ~ name ~ " is not null and cast(typed." ~ name
            ~ " as string) not in (" ~ (quoted | join(', ')) ~ ") then '" ~ name ~ " ''' || typed."
            ~ name ~ " || ''' is not one of " ~ (column.accepted | join(', ')) ~ "' end") -%}
    {%- endif -%}
    {%- if column.get('min') is not none -%}
        {%- set operator = '<=' if column.get('min_exclusive') else '<' -%}
        {%- do reasons.append("case when typed." ~ name ~ " " ~ operator ~ " " ~ column.min
            ~ " then '" ~ name ~ " ' || cast(typed." ~ name ~ " as string) || ' is below its "
            ~ ("exclusive " if column.get('min_exclusive') else "") ~ "minimum " ~ column.min ~ "' end") -%}
    {%- endif -%}
    {%- if column.get('max') is not none -%}
        {%- do reasons.append("case when typed." ~ name ~ " > " ~ column.max ~ " then '" ~ name
            ~ " ' || cast(typed." ~ name ~ " as string) || ' is above its maximum " ~ column.max ~ "' end") -%}
    {%- endif -%}
    {%- if reasons | length == 0 -%}cast(null as string){%- else -%}{{ reasons | join(',\n            ') }}{%- endif -%}
{%- endmacro %}

{#- The key columns of a row joined by '|' (null shown as <null>), typed or raw. -#}
{% macro cs_row_key(key_columns, relation, raw=false) -%}
    concat_ws('|', {% for key in key_columns -%}
        coalesce(cast({{ relation }}.{{ ('raw__' ~ key) if raw else key }} as string), '<null>')
        {{- ', ' if not loop.last }}{% endfor %})
{%- endmacro %}

{#- A JSON object text of the raw columns (named without their prefix). -#}
{% macro cs_json_object(names, prefix='') -%}
    {{ return(adapter.dispatch('cs_json_object', 'customer_success')(names, prefix)) }}
{%- endmacro %}

{% macro default__cs_json_object(names, prefix='') -%}
    cast(json_object({% for name in names %}'{{ name }}', {{ prefix }}{{ name }}{{ ', ' if not loop.last }}{% endfor %}) as varchar)
{%- endmacro %}

{#- Spark's to_json drops null fields unless told not to; DuckDB's json_object keeps them. -#}
{% macro spark__cs_json_object(names, prefix='') -%}
    to_json(
        named_struct({% for name in names %}'{{ name }}', {{ prefix }}{{ name }}{{ ', ' if not loop.last }}{% endfor %}),
        map('ignoreNullFields', 'false')
    )
{%- endmacro %}
