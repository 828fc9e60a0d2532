{#-
    Every node and metric a progress row exists for, per run quarter: the target tree's, plus
    the nodes that only have actuals (a moved rep's node under their new group,
    team/unassigned, product units without a target), each placed in the tree, and how it is
    measured (measure_kind): sums, accumulating rates (they only grow over the quarter) and
    level rates. fct_progress_weekly phases and judges them week by week.
-#}
{%- set value_type = api.Column.numeric_type("numeric", 22, 6) -%}
{%- set accumulating_rates = "('customer/existing/repurchase_rate', "
    ~ "'customer/existing/churn_recall_rate', 'product/long_tail/inventory_reduction')" -%}
with

quarters as (

    select quarter

    from {{ ref('int_plan_quarters_resolved') }}

),

target_nodes as (

    select
        target_tree.quarter,
        target_tree.node_id,
        target_tree.parent_node_id,
        target_tree.dimension,
        target_tree.level,
        target_tree.node_name,
        target_tree.metric,
        target_tree.target_value

    from {{ ref('fct_target_tree') }} as target_tree
    inner join quarters
        on quarters.quarter = target_tree.quarter

),

amounts as (

    select distinct
        quarter,
        node_id,
        metric

    from {{ ref('int_node_amounts_weekly') }}

),

lines as (

    select distinct
        quarter,
        product_tier,
        team_tier_node_id,
        team_group_node_id,
        team_rep_node_id,
        group_id,
        rep_id,
        rep_name

    from {{ ref('int_order_lines_classified') }}

),

group_names as (

    select
        group_id,
        coalesce(group_name, group_id) as group_name

    from {{ ref('stg_crm__sales_groups') }}

),

-- where an actual-only node sits in the tree
actual_node_directory as (

    select distinct
        quarter,
        team_tier_node_id as node_id,
        'total' as parent_node_id,
        'team' as dimension,
        1 as level,
        case when team_tier_node_id = 'team/unassigned' then 'Unassigned reps'
            else team_tier_node_id end as node_name
    from lines

    union all

    select distinct
        lines.quarter,
        lines.team_group_node_id,
        lines.team_tier_node_id,
        'team',
        2,
        group_names.group_name
    from lines
    left join group_names
        on group_names.group_id = lines.group_id
    where lines.team_group_node_id is not null

    union all

    select distinct
        quarter,
        team_rep_node_id,
        team_group_node_id,
        'team',
        3,
        rep_name
    from lines
    where team_rep_node_id is not null

    union all

    select distinct
        quarter,
        'product/' || product_tier,
        'total',
        'product',
        1,
        product_tier
    from lines

),

actual_only_nodes as (

    select distinct
        amounts.quarter,
        amounts.node_id,
        directory.parent_node_id,
        directory.dimension,
        directory.level,
        directory.node_name,
        amounts.metric,
        cast(null as {{ value_type }}) as target_value

    from amounts
    inner join actual_node_directory as directory
        on directory.quarter = amounts.quarter
        and directory.node_id = amounts.node_id
    left join target_nodes
        on target_nodes.quarter = amounts.quarter
        and target_nodes.node_id = amounts.node_id
        and target_nodes.metric = amounts.metric
    where target_nodes.node_id is null
        and (amounts.metric = 'revenue' or directory.dimension = 'product')

),

listed as (

    select
        quarter, node_id, parent_node_id, dimension, level, node_name, metric, target_value,
        case
            when metric <> 'rate' then 'sum'
            when node_id in {{ accumulating_rates }} then 'accumulating_rate'
            else 'level_rate'
        end as measure_kind
    from target_nodes

    union all

    select
        quarter, node_id, parent_node_id, dimension, level, node_name, metric, target_value,
        'sum' as measure_kind
    from actual_only_nodes

)

select * from listed
