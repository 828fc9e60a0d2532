{#-
    The revenue and count targets of every node of the target tree (fct_target_tree), per
    planned quarter, as computed: computed_value from the current scenario of
    int_target_revenue_allocated, original_value as planned. A count's own revision is not
    in it (fct_target_tree applies revisions).
    - revenue: the allocated cents, in money;
    - customers on customer/new and units on product/new: the segment's revenue / its AOV
      (new_customer_aov, new_product_aov), so a revised revenue moves the count with it;
    - units on product/core: last quarter's core units (as the plan states them, else
      measured) x (1 + core_unit_growth);
    - the same count on a responsibility slice of one of those segments: the segment's
      count, after its own revision, x the slice's part of the segment's revenue.
    Nodes without a computable count (no baseline yet) have a null value.
-#}
{%- set value_type = api.Column.numeric_type("numeric", 22, 6) -%}

with

quarters as (

    select
        quarter,
        planned_baseline_core_units,
        new_customer_aov,
        new_product_aov,
        core_unit_growth

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
        revised_value

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
        source_node_id

    from {{ ref('int_plan_responsibilities_resolved') }}
    where owner_node_id is null

),

segment_counts as (

    -- customer/new customers and product/new units: the segment's revenue / its AOV
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

    union all

    -- product/core units grow on last quarter's core units
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

final as (

    select
        quarter, node_id, parent_node_id, dimension, level, node_name,
        is_partition_of_parent, 'revenue' as metric,
        cast(cast(current_cents as numeric(22, 0)) * 0.01 as {{ value_type }}) as computed_value,
        cast(cast(original_cents as numeric(22, 0)) * 0.01 as {{ value_type }})
            as original_value
    from revenue

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

)

select * from final
