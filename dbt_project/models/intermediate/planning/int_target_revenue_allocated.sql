{#- A table, not a view: its data tests and the models downstream each read it, and as a
    view every reader recomputed it from the raw version logs. -#}
{{ config(materialized="table") }}

{#-
    The revenue target of every node of every quarter's tree, in cents, twice: as planned
    (scenario 'original') and with the revisions known on the quarter's as-of date
    (scenario 'current'): the splits of int_revenue_splits_allocated (total, segments,
    groups, reps), and the responsibility slices cut from them. A responsibility is share x
    its owners' team targets, split among the owners by those targets (largest remainder);
    a revised slice or owner is pinned, as in the splits.
-#}
{%- set carried = ["dimension", "node_name", "level"] -%}

with

scenarios as (

    select 'original' as scenario
    union all
    select 'current' as scenario

),

revenue_pins as (

    select
        quarter,
        node_id,
        {{ dbt.safe_cast('round(revised_value * 100, 0)', dbt.type_bigint()) }} as pinned_cents

    from {{ ref('int_plan_revisions_applied') }}
    where metric = 'revenue'

),

splits as (

    select
        scenario,
        quarter,
        node_id,
        parent_node_id,
        dimension,
        level,
        node_name,
        is_partition_of_parent,
        amount_cents

    from {{ ref('int_revenue_splits_allocated') }}

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
        coalesce(team_nodes.amount_cents, 0) as team_cents

    from responsibilities
    cross join scenarios
    -- the owner's group or rep node
    left join splits as team_nodes
        on team_nodes.scenario = scenarios.scenario
        and team_nodes.quarter = responsibilities.quarter
        and team_nodes.node_id = responsibilities.owner_team_node_id
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
    inner join splits as source_nodes
        on source_nodes.scenario = scenarios.scenario
        and source_nodes.quarter = responsibilities.quarter
        and source_nodes.node_id = responsibilities.source_node_id
        and source_nodes.level = 1
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
        parent_node_id,
        dimension,
        level,
        node_name,
        is_partition_of_parent,
        amount_cents

    from splits

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
