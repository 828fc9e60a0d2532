{#-
    A number as text with a fixed number of decimals, optionally with thousands separators
    (1,234.5). Both engines round the exact binary value half to even, so they write the
    same digits. Null stays null.
-#}
{% macro format_fixed(value, decimals, thousands=false) -%}
    {{- return(adapter.dispatch("format_fixed", "sales_targets")(value, decimals, thousands)) -}}
{%- endmacro %}

{% macro default__format_fixed(value, decimals, thousands) -%}
    format('{:{{ "," if thousands }}.{{ decimals }}f}', {{ value }})
{%- endmacro %}

{#- format_number always separates thousands; they are taken out again when not wanted. -#}
{% macro spark__format_fixed(value, decimals, thousands) -%}
    {%- if thousands -%}
        format_number({{ value }}, {{ decimals }})
    {%- else -%}
        replace(format_number({{ value }}, {{ decimals }}), ',', '')
    {%- endif -%}
{%- endmacro %}
