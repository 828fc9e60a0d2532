{#-
    Published target tree: quarter x node x metric for every quarter built so far, with
    the actual beside each target so a BI user needs no join to see one against the other:
    fct_target_tree, and fct_node_actuals' actual and completions (null where a node has
    no actual yet, or its metric is not measured). The contract-gated publisher copies it on.
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

),

node_actuals as (

    select
        quarter,
        node_id,
        metric,
        actual_value,
        completion,
        completion_to_date

    from {{ ref('fct_node_actuals') }}

),

final as (

    select
        target_tree.quarter,
        target_tree.node_id,
        target_tree.parent_node_id,
        target_tree.dimension,
        target_tree.level,
        target_tree.node_name,
        target_tree.metric,
        target_tree.target_value,
        target_tree.original_target_value,
        target_tree.revision_reason,
        target_tree.revision_effective_date,
        target_tree.revision_approved_by,
        target_tree.is_partition_of_parent,
        target_tree.as_of_date,
        node_actuals.actual_value,
        node_actuals.completion,
        node_actuals.completion_to_date,
        -- the name of level from now on (level stays for one release, then goes)
        target_tree.level as node_depth

    from target_tree
    left join node_actuals
        on node_actuals.quarter = target_tree.quarter
        and node_actuals.node_id = target_tree.node_id
        and node_actuals.metric = target_tree.metric

)

select * from final
