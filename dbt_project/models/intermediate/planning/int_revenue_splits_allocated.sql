{#-
    The revenue target split down the tree's partitions in cents, per quarter and scenario
    ('original' as planned, 'current' with the revisions known on the as-of date): total ->
    customer / product / team-tier segments by share; tier -> groups; group -> reps. Every
    split is exact to the cent (largest remainder). A revised revenue target is pinned: its
    siblings share what is left of the parent, its children split the new value.
    int_target_revenue_allocated cuts the responsibility slices from these targets.
-#}
{%- set carried = ["dimension", "node_name", "level"] -%}

with

scenarios as (

    select 'original' as scenario
    union all
    select 'current' as scenario

),

quarters as (

    select
        quarter,
        revenue_target,
        revenue_growth,
        planned_baseline_revenue

    from {{ ref('int_plan_quarters_resolved') }}
    where is_planned

),

baselines as (

    select
        quarter,
        measured_revenue

    from {{ ref('int_quarter_baselines_measured') }}

),

-- explicit, or last quarter's actual (as the plan states it, else as measured) x (1 + growth)
quarter_totals as (

    select
        quarters.quarter,
        case
            when quarters.revenue_target is not null then quarters.revenue_target
            else round(
                coalesce(quarters.planned_baseline_revenue, baselines.measured_revenue)
                * (1 + quarters.revenue_growth),
                2
            )
        end as revenue_target

    from quarters
    left join baselines
        on baselines.quarter = quarters.quarter

),

revenue_pins as (

    select
        quarter,
        node_id,
        {{ dbt.safe_cast('round(revised_value * 100, 0)', dbt.type_bigint()) }} as pinned_cents

    from {{ ref('int_plan_revisions_applied') }}
    where metric = 'revenue'

),

total_node as (

    select
        scenarios.scenario,
        quarter_totals.quarter,
        'total' as node_id,
        coalesce(
            case when scenarios.scenario = 'current' then revenue_pins.pinned_cents end,
            {{ dbt.safe_cast('round(quarter_totals.revenue_target * 100, 0)', dbt.type_bigint()) }}
        ) as amount_cents

    from quarter_totals
    cross join scenarios
    left join revenue_pins
        on revenue_pins.quarter = quarter_totals.quarter
        and revenue_pins.node_id = 'total'
    where quarter_totals.revenue_target is not null

),

segment_children as (

    select
        segments.dimension,
        segments.node_name,
        1 as level,
        scenarios.scenario,
        segments.quarter,
        'total' as parent_node_id,
        segments.dimension as allocation_set,
        segments.node_id,
        segments.share as weight,
        case when scenarios.scenario = 'current' then revenue_pins.pinned_cents end
            as pinned_cents

    from {{ ref('int_plan_segments_resolved') }} as segments
    cross join scenarios
    left join revenue_pins
        on revenue_pins.quarter = segments.quarter
        and revenue_pins.node_id = segments.node_id

),

segment_nodes as (

    {{ allocate_largest_remainder(
        'total_node', 'segment_children', carried, weights_are_fractions=true
    ) }}

),

group_children as (

    select
        'team' as dimension,
        groups.group_name as node_name,
        2 as level,
        scenarios.scenario,
        groups.quarter,
        groups.parent_node_id,
        'groups' as allocation_set,
        groups.node_id,
        groups.allocation_fraction as weight,
        case when scenarios.scenario = 'current' then revenue_pins.pinned_cents end
            as pinned_cents

    from {{ ref('int_team_groups_weighted') }} as groups
    cross join scenarios
    left join revenue_pins
        on revenue_pins.quarter = groups.quarter
        and revenue_pins.node_id = groups.node_id

),

group_nodes as (

    {{ allocate_largest_remainder(
        'segment_nodes', 'group_children', carried, weights_are_fractions=true
    ) }}

),

rep_children as (

    select
        'team' as dimension,
        reps.rep_name as node_name,
        3 as level,
        scenarios.scenario,
        reps.quarter,
        reps.parent_node_id,
        'reps' as allocation_set,
        reps.node_id,
        reps.allocation_fraction as weight,
        case when scenarios.scenario = 'current' then revenue_pins.pinned_cents end
            as pinned_cents

    from {{ ref('int_team_reps_weighted') }} as reps
    cross join scenarios
    left join revenue_pins
        on revenue_pins.quarter = reps.quarter
        and revenue_pins.node_id = reps.node_id

),

rep_nodes as (

    {{ allocate_largest_remainder(
        'group_nodes', 'rep_children', carried, weights_are_fractions=true
    ) }}

),

final as (

    select
        scenario,
        quarter,
        node_id,
        cast(null as {{ dbt.type_string() }}) as parent_node_id,
        'total' as dimension,
        0 as level,
        'Total' as node_name,
        false as is_partition_of_parent,
        amount_cents

    from total_node

    union all

    select
        scenario,
        quarter,
        node_id,
        parent_node_id,
        dimension,
        level,
        node_name,
        true as is_partition_of_parent,
        amount_cents

    from segment_nodes

    union all

    select
        scenario,
        quarter,
        node_id,
        parent_node_id,
        dimension,
        level,
        node_name,
        true as is_partition_of_parent,
        amount_cents

    from group_nodes

    union all

    select
        scenario,
        quarter,
        node_id,
        parent_node_id,
        dimension,
        level,
        node_name,
        true as is_partition_of_parent,
        amount_cents

    from rep_nodes

)

select * from final
