{#-
    The plan set in effect, per run quarter and plan table: a table set "from a quarter on"
    (column from_quarter) applies from that quarter until a later set starts, so a quarter
    reads the latest set starting on or before it. dimension_shares holds one set per
    dimension (dimension is null for every other table). Models that read such a table
    select its rows through the plan_rows_in_effect macro (a join on this model's
    from_quarter) instead of restating the rule.
    Commission rates are the exception (int_commission_lines_rated): a clawback is rated in
    the quarter its order was earned, which may lie before the run window.
-#}
{%- set plan_tables = [
    "awards",
    "bonus_tiers",
    "group_allocation",
    "group_kind_weights",
    "kpi_targets",
    "rep_overrides",
    "responsibilities",
    "role_weights",
    "warning_lines",
] -%}
with

quarters as (

    select quarter

    from {{ ref('int_run_quarters_dated') }}

),

set_starts as (

    {% for plan_table in plan_tables %}
    select distinct
        '{{ plan_table }}' as plan_table,
        cast(null as {{ dbt.type_string() }}) as dimension,
        from_quarter

    from {{ ref(plan_table) }}

    union all
    {% endfor %}
    select distinct
        'dimension_shares' as plan_table,
        dimension,
        from_quarter

    from {{ ref('dimension_shares') }}

),

in_effect as (

    select
        quarters.quarter,
        set_starts.plan_table,
        set_starts.dimension,
        max(set_starts.from_quarter) as from_quarter

    from quarters
    inner join set_starts
        on set_starts.from_quarter <= quarters.quarter
    group by quarters.quarter, set_starts.plan_table, set_starts.dimension

)

select * from in_effect
