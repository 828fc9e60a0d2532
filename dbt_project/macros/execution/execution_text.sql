{#-
    Helpers of the execution models: a date's fiscal quarter label, and numbers
    written the way the quarter review shows them. format() is DuckDB's; another warehouse
    needs its own number formatting here, in one place.
-#}

{#- The fiscal quarter label (YYYYQn) of a date column, the same arithmetic as
    int_plan_quarters_resolved: a fiscal year is named after the calendar year it ends in. -#}
{% macro quarter_label_of(date_column) -%}
    {%- set fiscal_year_start_month = pipeline_var("fiscal_year_start_month", 1) | int -%}
    {%- set month_index = "(extract(year from " ~ date_column ~ ") * 12 + extract(month from "
        ~ date_column ~ ") - 1)" -%}
    {%- set quarter_index = "(" ~ month_index ~ " - ((" ~ month_index ~ " - "
        ~ (fiscal_year_start_month - 1) ~ " + 1200) % 3) + "
        ~ ((13 - fiscal_year_start_month) % 12) ~ ")" -%}
    (cast(cast(floor({{ quarter_index }} / 12) as integer) as {{ dbt.type_string() }}) || 'Q'
        || cast(cast(floor(({{ quarter_index }} % 12) / 3) + 1 as integer)
            as {{ dbt.type_string() }}))
{%- endmacro %}

{#- A value as people read it: rates in % with one decimal, whole amounts with thousands
    separators and no decimals (11,000,000), others to the cent. -#}
{% macro shown_value(value, metric) -%}
    case
        when {{ value }} is null then 'n/a'
        when {{ metric }} = 'rate' then format('{:.1f}%', {{ value }} * 100.0)
        when {{ value }} = round({{ value }}, 0)
            then format('{:,.0f}', {{ dbt.safe_cast(value, 'double') }})
        else format('{:,.2f}', {{ dbt.safe_cast(value, 'double') }})
    end
{%- endmacro %}

{#- A ratio as a percentage with one decimal (0.9167 -> 91.7%). -#}
{% macro shown_percent(value) -%}
    coalesce(format('{:.1f}%', {{ value }} * 100.0), 'n/a')
{%- endmacro %}
