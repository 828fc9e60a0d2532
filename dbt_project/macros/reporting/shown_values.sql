{#-
    Numbers written the way the published sentences show them (rpt_quarter_review).
    format() is DuckDB's; another warehouse needs its own number formatting here, in one place.
-#}

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
