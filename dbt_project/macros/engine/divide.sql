{#-
    numerator / denominator as DuckDB computes it: a DOUBLE, also when both are DECIMALs.
    Spark divides DECIMALs as DECIMALs (six decimals at these precisions), so completions
    and run rates would differ in the seventh digit; it divides in DOUBLE here. Pass each
    operand as it would stand in the quotient (parenthesised where it has to be).
-#}
{% macro divide(numerator, denominator) -%}
    {{- return(adapter.dispatch("divide", "sales_targets")(numerator, denominator)) -}}
{%- endmacro %}

{% macro default__divide(numerator, denominator) -%}
    {{ numerator }} / {{ denominator }}
{%- endmacro %}

{% macro spark__divide(numerator, denominator) -%}
    cast({{ numerator }} as double) / {{ denominator }}
{%- endmacro %}
