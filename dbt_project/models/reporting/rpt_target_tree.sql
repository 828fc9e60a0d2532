{#-
    Published target tree: quarter x node x metric for every quarter built
    so far. A plain copy of fct_target_tree; the contract-gated publisher copies it on.
-#}
with

target_tree as (

    select
        quarter,
        node_id,
        parent_node_id,
        dimension,
        level,
        node_name,
        metric,
        target_value,
        original_target_value,
        revision_reason,
        revision_effective_date,
        revision_approved_by,
        is_partition_of_parent,
        as_of_date

    from {{ ref('fct_target_tree') }}

)

select * from target_tree
