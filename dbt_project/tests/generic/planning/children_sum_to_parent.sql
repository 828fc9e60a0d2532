{#-
    In a tree table, the children of every parent sum exactly to the parent.

    column_name:      the value that must add up (e.g. target_value)
    partition_by:     columns that separate independent trees (e.g. quarter)
    child_set_column: children of one parent that form separate splits (the customer,
                      product and team dimensions under `total` each sum to it)
    child_condition:  which rows count as parts of their parent (e.g. not the cross-
                      dimension responsibility slices)
    Use the test's `where` config to pick the metric. Fails with one row per parent whose
    children do not add up, showing both sums.
-#}
{% test children_sum_to_parent(
    model,
    column_name,
    node_column="node_id",
    parent_column="parent_node_id",
    partition_by=["quarter"],
    child_set_column=none,
    child_condition="1 = 1"
) %}

{%- set partition_list = partition_by | join(", ") -%}
{%- set set_column = child_set_column if child_set_column else "'all'" -%}

with

nodes as (

    select
        {{ partition_list }},
        {{ node_column }} as node_id,
        {{ parent_column }} as parent_node_id,
        {{ set_column }} as child_set,
        {{ child_condition }} as is_part_of_parent,
        {{ column_name }} as node_value

    from {{ model }}

),

children as (

    select
        {{ partition_list }},
        parent_node_id,
        child_set,
        count(*) as children_count,
        sum(node_value) as children_total

    from nodes
    where parent_node_id is not null
        and is_part_of_parent
    group by {{ partition_list }}, parent_node_id, child_set

),

mismatches as (

    select
        {%- for column in partition_by %}
        children.{{ column }},
        {%- endfor %}
        children.parent_node_id,
        children.child_set,
        children.children_count,
        children.children_total,
        parents.node_value as parent_value

    from children
    left join nodes as parents
        on parents.node_id = children.parent_node_id
        {%- for column in partition_by %}
        and parents.{{ column }} = children.{{ column }}
        {%- endfor %}
    where parents.node_value is null
        or parents.node_value <> children.children_total

)

select * from mismatches

{% endtest %}
