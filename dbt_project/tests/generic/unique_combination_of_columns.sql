{#-
    The columns together identify one row (a composite key). Same name and arguments as
    dbt_utils' test, which is not available offline. Fails with one row per duplicated key.
-#}

{% test unique_combination_of_columns(model, combination_of_columns) %}

{%- set key_columns = combination_of_columns | join(', ') %}

with

key_counts as (

    select
        {{ key_columns }},
        count(*) as row_count

    from {{ model }}
    group by {{ key_columns }}

),

duplicated_keys as (

    select
        {{ key_columns }},
        row_count

    from key_counts
    where row_count > 1

)

select * from duplicated_keys

{% endtest %}
