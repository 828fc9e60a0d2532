{#-
    A DOUBLE expression as DECIMAL(precision, scale), rounded as DuckDB rounds it: the value
    times 10^scale, rounded half away from zero. Spark's cast rounds the exact binary value
    instead, so a run rate of 551.1353125 (551.13531249999... in binary) came out a
    millionth lower there.
-#}
{% macro cast_double_to_decimal(expression, precision, scale) -%}
    {{- return(adapter.dispatch("cast_double_to_decimal", "sales_targets")(
        expression, precision, scale)) -}}
{%- endmacro %}

{% macro default__cast_double_to_decimal(expression, precision, scale) -%}
    cast({{ expression }} as {{ api.Column.numeric_type("numeric", precision, scale) }})
{%- endmacro %}

{% macro spark__cast_double_to_decimal(expression, precision, scale) -%}
    cast(round(({{ expression }}) * 1e{{ scale }}) / 1e{{ scale }}
        as {{ api.Column.numeric_type("numeric", precision, scale) }})
{%- endmacro %}
