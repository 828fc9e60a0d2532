{#-
    The rep who answers for a node, per run quarter, for the nodes one rep answers for (a
    warning names them, fct_warnings): a rep node (team level 3) is that rep's; a group
    (team level 2) is its lead rep's; a responsibility owner (level 3) is its owning
    group's lead rep, or the owning rep. The other nodes are answered for by a team, which
    rpt_warnings names; they have no row.
-#}
with

nodes as (

    select distinct
        quarter,
        node_id,
        dimension,
        level

    from {{ ref('int_progress_nodes_listed') }}
    where (dimension = 'team' and level in (2, 3))
        or (dimension = 'responsibility' and level = 3)

),

groups as (

    select
        group_id,
        lead_rep_id

    from {{ ref('stg_crm__sales_groups') }}

),

reps as (

    select
        rep_id,
        coalesce(rep_name, rep_id) as rep_name

    from {{ ref('stg_crm__reps') }}

),

owners as (

    select
        nodes.quarter,
        nodes.node_id,
        case
            when nodes.dimension = 'team' and nodes.level = 3
                then {{ dbt.split_part('nodes.node_id', "'/'", 4) }}
            when nodes.dimension = 'team' and nodes.level = 2
                then groups.lead_rep_id
            when nodes.dimension = 'responsibility' and nodes.level = 3
                then coalesce(owner_groups.lead_rep_id,
                              {{ dbt.split_part('nodes.node_id', "'/'", 3) }})
        end as owner_rep_id

    from nodes
    left join groups
        on nodes.dimension = 'team'
        and nodes.level = 2
        and groups.group_id = {{ dbt.split_part('nodes.node_id', "'/'", 3) }}
    left join groups as owner_groups
        on nodes.dimension = 'responsibility'
        and nodes.level = 3
        and owner_groups.group_id = {{ dbt.split_part('nodes.node_id', "'/'", 3) }}

),

final as (

    select
        owners.quarter,
        owners.node_id,
        owners.owner_rep_id,
        reps.rep_name as owner_rep_name

    from owners
    left join reps
        on reps.rep_id = owners.owner_rep_id

)

select * from final
