{#-
    The target tree: one row per quarter x node x metric, with the target as of the
    quarter's as-of date (target_value), as planned (original_target_value) and the reason
    of the revision that changed it, if any. Quarter-keyed: a run replaces only its quarters.

    Metrics: revenue on every node; the new-customer count on
    customer/new, units on product/new and product/core, and the same counts on a
    responsibility slice of those nodes (all as computed in int_target_values_computed);
    rates on the KPI nodes (the plan's KPI targets in effect).
-#}
{%- set value_type = api.Column.numeric_type("numeric", 22, 6) -%}

with

quarters as (

    select
        quarter,
        quarter_start_date,
        quarter_end_date,
        as_of_date,
        lead_conversion_rate,
        repurchase_rate,
        aov_lift,
        churn_recall_rate,
        sell_through_30d,
        long_tail_inventory_reduction

    from {{ ref('int_plan_quarters_resolved') }}
    where is_planned

),

segments as (

    select
        quarter,
        node_id,
        dimension,
        node_name

    from {{ ref('int_plan_segments_resolved') }}

),

revisions as (

    select
        quarter,
        node_id,
        metric,
        revised_value,
        revision_effective_date,
        revision_reason,
        revision_approved_by

    from {{ ref('int_plan_revisions_applied') }}

),

computed_values as (

    select
        quarter,
        node_id,
        parent_node_id,
        dimension,
        level,
        node_name,
        is_partition_of_parent,
        metric,
        computed_value,
        original_value

    from {{ ref('int_target_values_computed') }}

),

kpi_definitions as (

    select 'customer/existing' as parent_node_id, 'repurchase_rate' as kpi,
        'Repurchase rate' as node_name
    union all
    select 'customer/existing', 'aov_lift', 'Average order value lift'
    union all
    select 'customer/existing', 'churn_recall_rate', 'Churned customers recalled'
    union all
    select 'customer/new', 'lead_conversion_rate', 'Lead conversion rate'
    union all
    select 'product/new', 'sell_through_30d', 'Sell-through in the first 30 days'
    union all
    select 'product/long_tail', 'inventory_reduction', 'Long-tail inventory reduction'

),

kpi_rates as (

    select
        segments.quarter,
        segments.node_id || '/' || kpi_definitions.kpi as node_id,
        segments.node_id as parent_node_id,
        segments.dimension,
        2 as level,
        kpi_definitions.node_name,
        false as is_partition_of_parent,
        'rate' as metric,
        case kpi_definitions.kpi
            when 'repurchase_rate' then quarters.repurchase_rate
            when 'aov_lift' then quarters.aov_lift
            when 'churn_recall_rate' then quarters.churn_recall_rate
            when 'lead_conversion_rate' then quarters.lead_conversion_rate
            when 'sell_through_30d' then quarters.sell_through_30d
            when 'inventory_reduction' then quarters.long_tail_inventory_reduction
        end as computed_value

    from segments
    inner join kpi_definitions
        on kpi_definitions.parent_node_id = segments.node_id
    inner join quarters
        on quarters.quarter = segments.quarter

),

all_targets as (

    select
        quarter, node_id, parent_node_id, dimension, level, node_name,
        is_partition_of_parent, metric,
        computed_value,
        original_value
    from computed_values

    union all

    select
        quarter, node_id, parent_node_id, dimension, level, node_name,
        is_partition_of_parent, metric,
        cast(computed_value as {{ value_type }}),
        cast(computed_value as {{ value_type }})
    from kpi_rates

),

final as (

    select
        -- keys
        all_targets.quarter,
        all_targets.node_id,
        all_targets.parent_node_id,
        all_targets.dimension,
        all_targets.level,
        all_targets.node_name,
        all_targets.metric,

        -- targets (revenue revisions are already in computed_value: they are allocated)
        cast(
            case
                when all_targets.metric = 'revenue' then all_targets.computed_value
                else coalesce(revisions.revised_value, all_targets.computed_value)
            end
            as {{ value_type }}
        ) as target_value,
        all_targets.original_value as original_target_value,
        revisions.revision_reason,
        revisions.revision_effective_date,
        revisions.revision_approved_by,

        -- tree shape and as-of
        all_targets.is_partition_of_parent,
        quarters.quarter_start_date,
        quarters.quarter_end_date,
        quarters.as_of_date

    from all_targets
    inner join quarters
        on quarters.quarter = all_targets.quarter
    left join revisions
        on revisions.quarter = all_targets.quarter
        and revisions.node_id = all_targets.node_id
        and revisions.metric = all_targets.metric
    -- a target that cannot be computed yet (no baseline) is left out, not shown as null
    where all_targets.computed_value is not null
        or revisions.revised_value is not null

)

select * from final
