{# Longer than 250 lines: one cents cascade (total > segments > groups > reps > slices), each level read by the next. #}
{#- A table, not a view: its data tests and the models downstream each read it, and as a
    view every reader recomputed it from the raw version logs. -#}
{{ config(materialized="table") }}

{#-
    The revenue target of every node of every quarter's tree, in cents, twice: as planned
    (scenario 'original') and with the revisions known on the quarter's as-of date
    (scenario 'current').

    total -> customer / product / team-tier segments by share; tier -> groups; group ->
    reps; a responsibility is share x its owners' team targets, split among the owners by
    those targets. Every
    split is exact to the cent (largest remainder). A revised revenue target is pinned: its
    siblings share what is left of the parent, and its children split the new value.
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

responsibilities as (

    select
        quarter,
        node_id,
        owner_node_id,
        owner_team_node_id,
        node_name,
        source_node_id,
        share

    from {{ ref('int_plan_responsibilities_resolved') }}

),

-- what each owner is planned to sell in the team tree: a slice is cut from its owners'
-- own targets, so it asks of them only revenue they can book
owner_team_targets as (

    select
        scenarios.scenario,
        responsibilities.quarter,
        responsibilities.node_id,
        responsibilities.owner_node_id,
        responsibilities.node_name,
        responsibilities.share,
        coalesce(group_nodes.amount_cents, rep_nodes.amount_cents, 0) as team_cents

    from responsibilities
    cross join scenarios
    left join group_nodes
        on group_nodes.scenario = scenarios.scenario
        and group_nodes.quarter = responsibilities.quarter
        and group_nodes.node_id = responsibilities.owner_team_node_id
    left join rep_nodes
        on rep_nodes.scenario = scenarios.scenario
        and rep_nodes.quarter = responsibilities.quarter
        and rep_nodes.node_id = responsibilities.owner_team_node_id
    where responsibilities.owner_node_id is not null

),

-- share x its owners' team targets, rounded to the cent (it is not a part of a split of
-- its source segment, which it sits under only to say what revenue counts). Before the org
-- is known (a plan preview without the CRM) it has no owners: share x its source segment,
-- the handbook's reading, until they are
responsibility_nodes as (

    select
        scenarios.scenario,
        responsibilities.quarter,
        responsibilities.node_id,
        responsibilities.source_node_id as parent_node_id,
        responsibilities.node_name,
        coalesce(
            case when scenarios.scenario = 'current' then revenue_pins.pinned_cents end,
            {{ dbt.safe_cast(
                'round(coalesce(owners.team_cents, source_nodes.amount_cents)'
                ~ ' * responsibilities.share, 0)', dbt.type_bigint()) }}
        ) as amount_cents

    from responsibilities
    cross join scenarios
    inner join segment_nodes as source_nodes
        on source_nodes.scenario = scenarios.scenario
        and source_nodes.quarter = responsibilities.quarter
        and source_nodes.node_id = responsibilities.source_node_id
    left join (
        select scenario, quarter, node_id, sum(team_cents) as team_cents
        from owner_team_targets
        group by scenario, quarter, node_id
    ) as owners
        on owners.scenario = scenarios.scenario
        and owners.quarter = responsibilities.quarter
        and owners.node_id = responsibilities.node_id
    left join revenue_pins
        on revenue_pins.quarter = responsibilities.quarter
        and revenue_pins.node_id = responsibilities.node_id
    where responsibilities.owner_node_id is null

),

-- owners split the slice in proportion to their team targets (an owner without one gets 0)
owner_children as (

    select
        'responsibility' as dimension,
        owner_team_targets.node_name,
        3 as level,
        owner_team_targets.scenario,
        owner_team_targets.quarter,
        owner_team_targets.node_id as parent_node_id,
        'owners' as allocation_set,
        owner_team_targets.owner_node_id as node_id,
        {{ dbt.safe_cast('greatest(owner_team_targets.team_cents, 0)', 'double') }} as weight,
        case when owner_team_targets.scenario = 'current' then revenue_pins.pinned_cents end
            as pinned_cents

    from owner_team_targets
    left join revenue_pins
        on revenue_pins.quarter = owner_team_targets.quarter
        and revenue_pins.node_id = owner_team_targets.owner_node_id

),

owner_nodes as (

    {{ allocate_largest_remainder('responsibility_nodes', 'owner_children', carried) }}

),

all_nodes as (

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

    union all

    select
        scenario,
        quarter,
        node_id,
        parent_node_id,
        'responsibility' as dimension,
        2 as level,
        node_name,
        false as is_partition_of_parent,
        amount_cents

    from responsibility_nodes

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

    from owner_nodes

)

select * from all_nodes
