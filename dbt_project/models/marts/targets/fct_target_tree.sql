{# Longer than 250 lines: every node's revenue, counts, rates and revisions meet here to form one tree. #}
{#-
    The target tree: one row per quarter x node x metric, with the target as of the
    quarter's as-of date (target_value), as planned (original_target_value) and the reason
    of the revision that changed it, if any. Quarter-keyed: a run replaces only its quarters.

    Metrics (DESIGN section 7): revenue on every node; new-customer count on customer/new
    (revenue / new-customer AOV); units on product/new (revenue / new-product AOV) and
    product/core (last quarter's core units x (1 + growth)); the same counts on a
    responsibility slice of those nodes (the count x the slice's part of the node's revenue); rates on the KPI nodes.
-#}
{%- set value_type = api.Column.numeric_type("numeric", 22, 6) -%}

with

quarters as (

    select
        quarter,
        quarter_start_date,
        quarter_end_date,
        as_of_date,
        planned_baseline_core_units,
        new_customer_aov,
        new_product_aov,
        core_unit_growth,
        lead_conversion_rate,
        repurchase_rate,
        aov_lift,
        churn_recall_rate,
        sell_through_30d,
        long_tail_inventory_reduction

    from {{ ref('int_plan_quarters_resolved') }}
    where is_planned

),

baselines as (

    select
        quarter,
        measured_core_units

    from {{ ref('int_quarter_baselines_measured') }}

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

revenue as (

    select
        quarter,
        node_id,
        parent_node_id,
        dimension,
        level,
        node_name,
        is_partition_of_parent,
        max(case when scenario = 'current' then amount_cents end) as current_cents,
        max(case when scenario = 'original' then amount_cents end) as original_cents

    from {{ ref('int_target_revenue_allocated') }}
    group by quarter, node_id, parent_node_id, dimension, level, node_name, is_partition_of_parent

),

responsibilities as (

    select
        quarter,
        node_id,
        source_node_id,
        share

    from {{ ref('int_plan_responsibilities_resolved') }}
    where owner_node_id is null

),

revenue_targets as (

    select
        quarter,
        node_id,
        parent_node_id,
        dimension,
        level,
        node_name,
        is_partition_of_parent,
        'revenue' as metric,
        cast(cast(current_cents as numeric(22, 0)) * 0.01 as {{ value_type }}) as computed_value,
        cast(cast(original_cents as numeric(22, 0)) * 0.01 as {{ value_type }})
            as original_value

    from revenue

),

-- customer/new customers and product/new units: the segment's revenue / its AOV;
-- computed from the current revenue, so a revised revenue moves the count with it
counts_from_revenue as (

    select
        revenue.quarter,
        revenue.node_id,
        revenue.parent_node_id,
        revenue.dimension,
        revenue.level,
        revenue.node_name,
        revenue.is_partition_of_parent,
        case revenue.node_id when 'customer/new' then 'customers' else 'units' end as metric,
        round(
            revenue.current_cents / 100.0
            / case revenue.node_id
                when 'customer/new' then quarters.new_customer_aov
                else quarters.new_product_aov
            end,
            0
        ) as computed_value,
        round(
            revenue.original_cents / 100.0
            / case revenue.node_id
                when 'customer/new' then quarters.new_customer_aov
                else quarters.new_product_aov
            end,
            0
        ) as original_value

    from revenue
    inner join quarters
        on quarters.quarter = revenue.quarter
    where revenue.node_id in ('customer/new', 'product/new')

),

-- core units grow on last quarter's core units (as the plan states them, else measured)
core_units as (

    select
        segments.quarter,
        segments.node_id,
        'total' as parent_node_id,
        segments.dimension,
        1 as level,
        segments.node_name,
        true as is_partition_of_parent,
        'units' as metric,
        round(
            coalesce(quarters.planned_baseline_core_units, baselines.measured_core_units)
            * (1 + quarters.core_unit_growth),
            0
        ) as computed_value,
        round(
            coalesce(quarters.planned_baseline_core_units, baselines.measured_core_units)
            * (1 + quarters.core_unit_growth),
            0
        ) as original_value

    from segments
    inner join quarters
        on quarters.quarter = segments.quarter
    left join baselines
        on baselines.quarter = segments.quarter
    where segments.node_id = 'product/core'

),

segment_counts as (

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

    from counts_from_revenue

    union all

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

    from core_units

),

-- a segment count after its own revision, which a responsibility slice follows
segment_counts_revised as (

    select
        segment_counts.quarter,
        segment_counts.node_id,
        segment_counts.metric,
        coalesce(revisions.revised_value, segment_counts.computed_value) as current_value,
        segment_counts.original_value

    from segment_counts
    left join revisions
        on revisions.quarter = segment_counts.quarter
        and revisions.node_id = segment_counts.node_id
        and revisions.metric = segment_counts.metric

),

responsibility_counts as (

    select
        responsibilities.quarter,
        responsibilities.node_id,
        revenue.parent_node_id,
        revenue.dimension,
        revenue.level,
        revenue.node_name,
        revenue.is_partition_of_parent,
        segment_counts_revised.metric,
        -- the slice's part of the segment's revenue, in counts
        round(segment_counts_revised.current_value * revenue.current_cents
            / nullif(source_revenue.current_cents, 0), 0) as computed_value,
        round(segment_counts_revised.original_value * revenue.original_cents
            / nullif(source_revenue.original_cents, 0), 0) as original_value

    from responsibilities
    inner join revenue
        on revenue.quarter = responsibilities.quarter
        and revenue.node_id = responsibilities.node_id
    inner join revenue as source_revenue
        on source_revenue.quarter = responsibilities.quarter
        and source_revenue.node_id = responsibilities.source_node_id
    inner join segment_counts_revised
        on segment_counts_revised.quarter = responsibilities.quarter
        and segment_counts_revised.node_id = responsibilities.source_node_id

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
    from revenue_targets

    union all

    select
        quarter, node_id, parent_node_id, dimension, level, node_name,
        is_partition_of_parent, metric,
        cast(computed_value as {{ value_type }}),
        cast(original_value as {{ value_type }})
    from segment_counts

    union all

    select
        quarter, node_id, parent_node_id, dimension, level, node_name,
        is_partition_of_parent, metric,
        cast(computed_value as {{ value_type }}),
        cast(original_value as {{ value_type }})
    from responsibility_counts

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
