{#-
    A number as text with a fixed number of decimals, optionally with thousands separators
    (1,234.5). Both engines round the exact binary value of a DOUBLE half to even, so they
    write the same digits. Null stays null.
-#}
{% macro format_fixed(value, decimals, thousands=false) -%}
    {{- return(adapter.dispatch("format_fixed", "sales_targets")(value, decimals, thousands)) -}}
{%- endmacro %}

{% macro default__format_fixed(value, decimals, thousands) -%}
    format('{:{{ "," if thousands }}.{{ decimals }}f}', {{ value }})
{%- endmacro %}

{#- format_number always separates thousands; they are taken out again when not wanted.
    It rounds a DECIMAL's exact digits (1.725 -> 1.72) but a DOUBLE's exact binary value
    (1.725 is 1.72500000000000008882 -> 1.73) as DuckDB's format does: always a DOUBLE. -#}
{% macro spark__format_fixed(value, decimals, thousands) -%}
    {%- set number = "cast(" ~ value ~ " as double)" -%}
    {%- if thousands -%}
        format_number({{ number }}, {{ decimals }})
    {%- else -%}
        replace(format_number({{ number }}, {{ decimals }}), ',', '')
    {%- endif -%}
{%- endmacro %}
