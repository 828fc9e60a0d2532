{#-
    Column types dbt-core has no cross-database macro for. Money is DECIMAL(18,2) everywhere
    (the published interface promises it), so it is defined once here.
-#}

{% macro type_money() -%}
    {{ return(api.Column.numeric_type("numeric", 18, 2)) }}
{%- endmacro %}

{% macro type_date() -%}
    {{ return(api.Column.translate_type("date")) }}
{%- endmacro %}
