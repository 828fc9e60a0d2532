{#-
    The values of a group joined into one text, in the order of `order_by` (an expression):
    "Champion; Top closer". Nulls are left out. dbt's listagg ignores the order on Spark.
-#}
{% macro ordered_string_agg(measure, delimiter_text, order_by) -%}
    {{- return(adapter.dispatch("ordered_string_agg", "sales_targets")(
        measure, delimiter_text, order_by)) -}}
{%- endmacro %}

{% macro default__ordered_string_agg(measure, delimiter_text, order_by) -%}
    string_agg({{ measure }}, {{ delimiter_text }} order by {{ order_by }})
{%- endmacro %}

{#- Spark 3 has no ordered aggregate: collect (key, value) pairs, sort them by key, join. -#}
{% macro spark__ordered_string_agg(measure, delimiter_text, order_by) -%}
    array_join(
        transform(
            array_sort(collect_list(named_struct(
                'sort_key', {{ order_by }}, 'value', {{ measure }}))),
            pair -> pair.value
        ),
        {{ delimiter_text }}
    )
{%- endmacro %}
