{#-
    Every rep of a group in the team tree, per quarter, with their fraction of the group's
    target: an explicit share from rep_overrides, else the rest of the group split by weight
    (their own weight from rep_overrides, else their role's from role_weights, else 1).

    Mid-quarter moves: a rep's target follows the assignment valid on the quarter's FIRST
    DAY, for the whole quarter. A rep who moves later keeps that target (and node) until the
    quarter ends; a rep who joins a group after the first day gets a target from the next
    quarter. Targets therefore never change under anyone's feet mid-quarter.
-#}
with

quarters as (

    select
        quarter,
        quarter_start_date

    from {{ ref('int_plan_quarters_resolved') }}
    where is_planned

),

groups as (

    select
        quarter,
        group_id,
        node_id as group_node_id

    from {{ ref('int_team_groups_weighted') }}

),

assignments_on_first_day as (

    select
        quarters.quarter,
        org.rep_id,
        org.group_id

    from quarters
    inner join {{ ref('int_rep_assignments_resolved') }} as org
        on org.valid_from <= quarters.quarter_start_date
        and (org.valid_until is null or org.valid_until > quarters.quarter_start_date)

),

role_weights_in_effect as (

    {{ plan_rows_in_effect('role_weights', ['role', 'weight']) }}

),

overrides_in_effect as (

    {{ plan_rows_in_effect('rep_overrides', ['rep_id', 'share', 'weight']) }}

),

weighted as (

    select
        assignments_on_first_day.quarter,
        assignments_on_first_day.group_id,
        groups.group_node_id,
        reps.rep_id,
        coalesce(reps.rep_name, reps.rep_id) as rep_name,
        reps.role,
        overrides_in_effect.share as explicit_share,
        case
            when overrides_in_effect.share is null
                then coalesce(overrides_in_effect.weight, role_weights_in_effect.weight, 1.0)
        end as weight,
        case
            when overrides_in_effect.share is not null then 'share'
            when overrides_in_effect.weight is not null then 'rep_weight'
            when role_weights_in_effect.weight is not null then 'role_weight'
            else 'default_weight'
        end as allocation_method

    from assignments_on_first_day
    inner join groups
        on groups.quarter = assignments_on_first_day.quarter
        and groups.group_id = assignments_on_first_day.group_id
    inner join {{ ref('stg_crm__reps') }} as reps
        on reps.rep_id = assignments_on_first_day.rep_id
    left join overrides_in_effect
        on overrides_in_effect.quarter = assignments_on_first_day.quarter
        and overrides_in_effect.rep_id = reps.rep_id
    left join role_weights_in_effect
        on role_weights_in_effect.quarter = assignments_on_first_day.quarter
        and role_weights_in_effect.role = reps.role

),

totals as (

    select
        quarter,
        group_id,
        group_node_id,
        rep_id,
        rep_name,
        role,
        explicit_share,
        weight,
        allocation_method,
        coalesce(sum(explicit_share) over (partition by quarter, group_id), 0)
            as explicit_share_total,
        sum(weight) over (partition by quarter, group_id) as weight_total

    from weighted

),

final as (

    select
        quarter,
        group_id,
        rep_id,
        rep_name,
        role,
        group_node_id || '/' || rep_id as node_id,
        group_node_id as parent_node_id,
        allocation_method,
        explicit_share,
        weight,
        coalesce(
            explicit_share,
            (1 - explicit_share_total) * weight / nullif(weight_total, 0)
        ) as allocation_fraction

    from totals

)

select * from final
