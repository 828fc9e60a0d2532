{#- Helper of the execution models: a date's fiscal quarter label. -#}

{#- The fiscal quarter label (YYYYQn) of a date column, the same arithmetic as
    int_run_quarters_dated: a fiscal year is named after the calendar year it ends in. -#}
{% macro quarter_label_of(date_column) -%}
    {%- set fiscal_year_start_month = pipeline_var("fiscal_year_start_month") | int -%}
    {%- set month_index = "(extract(year from " ~ date_column ~ ") * 12 + extract(month from "
        ~ date_column ~ ") - 1)" -%}
    {%- set quarter_index = "(" ~ month_index ~ " - ((" ~ month_index ~ " - "
        ~ (fiscal_year_start_month - 1) ~ " + 1200) % 3) + "
        ~ ((13 - fiscal_year_start_month) % 12) ~ ")" -%}
    (cast(cast(floor({{ quarter_index }} / 12) as integer) as {{ dbt.type_string() }}) || 'Q'
        || cast(cast(floor(({{ quarter_index }} % 12) / 3) + 1 as integer)
            as {{ dbt.type_string() }}))
{%- endmacro %}
