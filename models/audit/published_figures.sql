{# grain: one row per publish (build_id), mart, month and headline figure #}
{#- The headline figures ('all' rows of the revenue, logo, NPS and support marts) of every
    completed publish, read from the serving file, and of this build. Only a completed publish
    copies this table into the serving file, so a build that is blocked or killed leaves no trace
    in the published history, and the next build drops its rows here. DuckDB only: publishing
    is DuckDB's (docs/orchestration.md, "Published history"). -#}
{{ config(
    enabled=target.type == 'duckdb',
    post_hook={'sql': "{{ cs_detach_published() }}", 'transaction': false},
) }}
{%- set marts = ['mart_revenue_retention', 'mart_logo_churn', 'mart_nps', 'mart_support_kpis'] -%}
{%- set build_id = cs_build_id() -%}
{%- set has_history = cs_attach_published(this.schema, this.identifier) -%}

with

{% for mart in marts -%}
{{ mart }} as (
    select * from {{ ref(mart) }}
),

{% endfor -%}
as_of as (
    select as_of_date from {{ ref('int_as_of_date') }}
),

figures as (
    {% for mart in marts -%}
    {%- set outer = loop -%}
    {% for figure in cs_figure_columns(mart) -%}
    select
        '{{ mart }}' as mart,
        month,
        '{{ figure }}' as figure,
        cast({{ figure }} as double) as value
    from {{ mart }}
    where segment = 'all'
    {% if not (loop.last and outer.last) %}union all
    {% endif -%}
    {% endfor -%}
    {% endfor %}
),

this_build as (
    select
        as_of.as_of_date,
        '{{ build_id }}' as build_id,
        cast('{{ run_started_at.strftime("%Y-%m-%d %H:%M:%S") }}' as timestamp) as built_at,
        figures.mart,
        figures.month,
        figures.figure,
        figures.value
    from figures
    cross join as_of
),

published_before as (
    {% if has_history -%}
    select
        as_of_date,
        build_id,
        built_at,
        mart,
        month,
        figure,
        value
    from cs_published.{{ this.schema }}.{{ this.identifier }}
    where build_id != '{{ build_id }}'
    {%- else -%}
    select * from this_build
    where false
    {%- endif %}
),

history as (
    select * from published_before
    union all
    select * from this_build
)

select * from history
