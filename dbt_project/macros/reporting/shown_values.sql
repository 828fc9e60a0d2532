{#-
    Numbers written the way the published sentences show them (rpt_quarter_review).
    The digits are format_fixed's (macros/engine/format_fixed.sql), the same on every engine.
-#}

{#- A value as people read it: rates in % with one decimal, whole amounts with thousands
    separators and no decimals (11,000,000), others to the cent. -#}
{% macro shown_value(value, metric) -%}
    case
        when {{ value }} is null then 'n/a'
        when {{ metric }} = 'rate' then {{ format_fixed(value ~ " * 100.0", 1) }} || '%'
        when {{ value }} = round({{ value }}, 0)
            then {{ format_fixed(dbt.safe_cast(value, 'double'), 0, thousands=true) }}
        else {{ format_fixed(dbt.safe_cast(value, 'double'), 2, thousands=true) }}
    end
{%- endmacro %}

{#- A ratio as a percentage with one decimal (0.9167 -> 91.7%). -#}
{% macro shown_percent(value) -%}
    coalesce({{ format_fixed(value ~ " * 100.0", 1) }} || '%', 'n/a')
{%- endmacro %}
