{#-
    Cross-dimension responsibilities in effect per quarter (e.g. the new-product squad answers
    for new-product revenue worth 80% of its own team target) and who owns each: the groups
    of a kind, or the reps of a role (by their assignment on the quarter's first day), with
    the team node whose target the owner's slice is cut from (owner_team_node_id).
    One row per responsibility node (owner_node_id null) and one per owner.
-#}
with

quarters as (

    select quarter

    from {{ ref('int_plan_quarters_resolved') }}
    where is_planned

),

segments as (

    select
        quarter,
        node_id

    from {{ ref('int_plan_segments_resolved') }}

),

responsibilities as (

    select
        from_quarter,
        responsibility,
        responsibility_name,
        source_node_id,
        share,
        owner_group_kind,
        owner_role

    from {{ ref('responsibilities') }}

),

responsibilities_in_effect as (

    select
        quarters.quarter,
        'responsibility/' || responsibilities.responsibility as node_id,
        responsibilities.responsibility_name,
        responsibilities.source_node_id,
        responsibilities.share,
        responsibilities.owner_group_kind,
        responsibilities.owner_role

    from quarters
    inner join {{ ref('int_plan_sets_in_effect') }} as responsibilities_set
        on responsibilities_set.quarter = quarters.quarter
        and responsibilities_set.plan_table = 'responsibilities'
    inner join responsibilities
        on responsibilities.from_quarter = responsibilities_set.from_quarter
    -- a slice of a segment the quarter does not plan has nothing to cut from
    inner join segments
        on segments.quarter = quarters.quarter
        and segments.node_id = responsibilities.source_node_id

),

groups as (

    select
        quarter,
        group_id,
        group_name,
        group_kind,
        node_id

    from {{ ref('int_team_groups_weighted') }}

),

reps as (

    select
        quarter,
        rep_id,
        rep_name,
        role,
        weight,
        node_id

    from {{ ref('int_team_reps_weighted') }}

),

owning_groups as (

    select
        responsibilities_in_effect.quarter,
        responsibilities_in_effect.node_id as responsibility_node_id,
        groups.group_id as owner_id,
        groups.group_name as owner_name,
        'group' as owner_kind,
        groups.node_id as owner_team_node_id,
        1.0 as weight

    from responsibilities_in_effect
    inner join groups
        on groups.quarter = responsibilities_in_effect.quarter
        and groups.group_kind = responsibilities_in_effect.owner_group_kind

),

owning_reps as (

    select
        responsibilities_in_effect.quarter,
        responsibilities_in_effect.node_id as responsibility_node_id,
        reps.rep_id as owner_id,
        reps.rep_name as owner_name,
        'rep' as owner_kind,
        reps.node_id as owner_team_node_id,
        -- a rep with an explicit share of their group carries a normal weight here
        coalesce(reps.weight, 1.0) as weight

    from responsibilities_in_effect
    inner join reps
        on reps.quarter = responsibilities_in_effect.quarter
        and reps.role = responsibilities_in_effect.owner_role

),

owners as (

    select
        quarter,
        responsibility_node_id,
        owner_id,
        owner_name,
        owner_kind,
        owner_team_node_id,
        weight

    from owning_groups

    union all

    select
        quarter,
        responsibility_node_id,
        owner_id,
        owner_name,
        owner_kind,
        owner_team_node_id,
        weight

    from owning_reps

),

final as (

    select
        quarter,
        node_id,
        cast(null as {{ dbt.type_string() }}) as owner_node_id,
        responsibility_name as node_name,
        source_node_id,
        share,
        cast(null as {{ dbt.type_string() }}) as owner_kind,
        cast(null as {{ dbt.type_string() }}) as owner_team_node_id,
        cast(null as {{ dbt.type_float() }}) as owner_weight

    from responsibilities_in_effect

    union all

    select
        owners.quarter,
        owners.responsibility_node_id as node_id,
        owners.responsibility_node_id || '/' || owners.owner_id as owner_node_id,
        owners.owner_name as node_name,
        responsibilities_in_effect.source_node_id,
        responsibilities_in_effect.share,
        owners.owner_kind,
        owners.owner_team_node_id,
        owners.weight as owner_weight

    from owners
    inner join responsibilities_in_effect
        on responsibilities_in_effect.quarter = owners.quarter
        and responsibilities_in_effect.node_id = owners.responsibility_node_id

)

select * from final
