{#- Defensive casts from raw text. Each returns null when the text is not a valid value of the
    contract's format (docs/raw-data.md), so the validator can quarantine the row with a readable
    reason. -#}

{#- The typed value of one contract column, read from its raw text column. -#}
{% macro cs_parse_typed(column, raw_column) -%}
    {%- set kind = column.type -%}
    {%- if kind == 'integer' -%}{{ cs_parse_int(raw_column) }}
    {%- elif kind == 'decimal' -%}{{ cs_parse_decimal(raw_column, column.scale) }}
    {%- elif kind == 'date' -%}{{ cs_parse_date(raw_column) }}
    {%- elif kind == 'timestamp' -%}{{ cs_parse_timestamp(raw_column) }}
    {%- elif kind == 'boolean' -%}{{ cs_parse_bool(raw_column) }}
    {%- else -%}{{ cs_text(raw_column) }}
    {%- endif -%}
{%- endmacro %}

{% macro cs_text(column) -%}
    nullif(trim({{ column }}), '')
{%- endmacro %}

{#- Ints and dates first take a fast path: text that is already the canonical form of its value
    (the value cast back to text gives the text again, so it is within the format) is cast
    directly; only the rest goes through the format's regular expression. Same accepted set,
    same values; a regular expression per value costs far more than a cast. -#}
{% macro cs_parse_int(column) -%}
    case
        when length({{ column }}) <= 18
            and cast(try_cast({{ column }} as bigint) as string) = {{ column }}
            then try_cast({{ column }} as bigint)
        when {{ cs_regexp_full_match('trim(' ~ column ~ ')', '[+-]?[0-9]{1,18}') }}
            then try_cast(trim({{ column }}) as bigint)
    end
{%- endmacro %}

{% macro cs_parse_decimal(column, scale=6) -%}
    case
        when {{ cs_regexp_full_match('trim(' ~ column ~ ')', '[+-]?([0-9]{1,12}([.][0-9]*)?|[.][0-9]+)') }}
            then try_cast(trim({{ column }}) as decimal(18, {{ scale }}))
    end
{%- endmacro %}

{% macro cs_parse_date(column) -%}
    case
        when length({{ column }}) = 10
            and cast(try_cast({{ column }} as date) as string) = {{ column }}
            then try_cast({{ column }} as date)
        when {{ cs_regexp_full_match('trim(' ~ column ~ ')', '[0-9]{4}-[0-9]{2}-[0-9]{2}') }}
            then try_cast(trim({{ column }}) as date)
    end
{%- endmacro %}

{#- ISO 8601 timestamps: `2025-03-04T10:15:00Z`, with an offset, or without a zone (= UTC);
    returned as a UTC timestamp without zone. -#}
{% macro cs_parse_timestamp(column) -%}
    case
        {# fast paths, as for ints and dates: text that is the canonical form of its value, either
           `YYYY-MM-DD HH:MM:SS` (how DuckDB and Spark print a timestamp, e.g. read from Parquet)
           or `YYYY-MM-DDTHH:MM:SSZ`, is cast directly, without a regular expression #}
        when length({{ column }}) = 19
            and cast(try_cast({{ column }} as timestamp) as string) = {{ column }}
            then try_cast({{ column }} as timestamp)
        {{ cs_parse_timestamp_iso_utc_fast_path(column) }}
        {# the usual `YYYY-MM-DDTHH:MM:SS[Z]` (UTC) otherwise: a plain timestamp cast is
           several times cheaper than the zone-aware one and gives the same instant #}
        when {{ cs_regexp_full_match(
            'trim(' ~ column ~ ')',
            '[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}:[0-9]{2}Z?'
        ) }}
            then try_cast(replace(replace(trim({{ column }}), 'T', ' '), 'Z', '') as timestamp)
        when {{ cs_regexp_full_match(
            'trim(' ~ column ~ ')',
            '[0-9]{4}-[0-9]{2}-[0-9]{2}([T ][0-9]{2}:[0-9]{2}(:[0-9]{2}([.][0-9]{1,9})?)?)?(Z|z|[+-][0-9]{2}(:?[0-9]{2})?)?'
        ) }}
            then {{ cs_utc_timestamp('trim(' ~ column ~ ')') }}
    end
{%- endmacro %}

{#- A `when ... then ...` branch for text exactly of the form `YYYY-MM-DDTHH:MM:SSZ` that is
    the canonical text of its instant (so the full pattern would accept it too, with the same
    value); none where the engine has no strict format parser (Spark: the pattern path). -#}
{% macro cs_parse_timestamp_iso_utc_fast_path(column) -%}
    {{ return(adapter.dispatch('cs_parse_timestamp_iso_utc_fast_path', 'customer_success')(column)) }}
{%- endmacro %}

{% macro default__cs_parse_timestamp_iso_utc_fast_path(column) -%}
    when length({{ column }}) = 20
            and strftime(try_strptime({{ column }}, '%Y-%m-%dT%H:%M:%SZ'), '%Y-%m-%dT%H:%M:%SZ') = {{ column }}
            then try_strptime({{ column }}, '%Y-%m-%dT%H:%M:%SZ')
{%- endmacro %}

{% macro spark__cs_parse_timestamp_iso_utc_fast_path(column) -%}
{%- endmacro %}

{% macro cs_parse_bool(column) -%}
    case lower(trim({{ column }}))
        when 'true' then true
        when 'false' then false
    end
{%- endmacro %}
