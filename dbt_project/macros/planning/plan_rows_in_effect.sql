{#-
    The rows of a plan table's set in effect, for every quarter of `quarters`: the rule
    itself (latest from_quarter on or before the quarter) is int_plan_sets_in_effect's; this
    is the join every model that reads such a table would otherwise repeat.

    plan_table: a plan seed with a from_quarter column (not dimension_shares, whose sets are
                per dimension);
    columns:    the seed's columns to return, after `quarter`;
    quarters:   relation/CTE with a `quarter` column.
    Returns a select of quarter and the columns.
-#}
{% macro plan_rows_in_effect(plan_table, columns, quarters='quarters') -%}
    select
        {{ quarters }}.quarter,
        {%- for column in columns %}
        rows_in_effect.{{ column }}{{ "," if not loop.last }}
        {%- endfor %}

    from {{ quarters }}
    inner join {{ ref('int_plan_sets_in_effect') }} as set_in_effect
        on set_in_effect.quarter = {{ quarters }}.quarter
        and set_in_effect.plan_table = '{{ plan_table }}'
    inner join {{ ref(plan_table) }} as rows_in_effect
        on rows_in_effect.from_quarter = set_in_effect.from_quarter
{%- endmacro %}
