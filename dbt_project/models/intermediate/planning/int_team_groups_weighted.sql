{#-
    Every sales group of a planned region tier, per quarter, with its fraction of the tier's
    target. A group listed in group_allocation with a share takes exactly that fraction; the
    rest of the tier is split among the other groups by weight (their own weight from
    group_allocation, else their kind's weight from group_kind_weights, else 1).

    Groups come from the CRM. With no CRM at all (a plan preview without a warehouse) the
    groups the plan gives an explicit share are still placed, so their targets show.
-#}
with

quarters as (

    select quarter

    from {{ ref('int_plan_quarters_resolved') }}
    where is_planned

),

tiers as (

    select
        quarter,
        segment as region_tier

    from {{ ref('int_plan_segments_resolved') }}
    where dimension = 'team'

),

crm_groups as (

    select
        group_id,
        group_name,
        group_kind,
        region_tier

    from {{ ref('int_sales_groups_classified') }}
    where region_tier is not null

),

allocation_in_effect as (

    {{ plan_rows_in_effect('group_allocation', ['region_tier', 'group_id', 'share', 'weight']) }}

),

kind_weights_in_effect as (

    {{ plan_rows_in_effect('group_kind_weights', ['group_kind', 'weight']) }}

),

crm_group_count as (

    select count(*) as group_count

    from crm_groups

),

candidate_groups as (

    select
        quarters.quarter,
        crm_groups.group_id,
        crm_groups.group_name,
        crm_groups.group_kind,
        crm_groups.region_tier

    from quarters
    cross join crm_groups

    union all

    select
        allocation_in_effect.quarter,
        allocation_in_effect.group_id,
        allocation_in_effect.group_id as group_name,
        cast(null as {{ dbt.type_string() }}) as group_kind,
        allocation_in_effect.region_tier

    from allocation_in_effect
    cross join crm_group_count
    where crm_group_count.group_count = 0
        and allocation_in_effect.share is not null

),

weighted as (

    select
        candidate_groups.quarter,
        candidate_groups.region_tier,
        candidate_groups.group_id,
        candidate_groups.group_name,
        candidate_groups.group_kind,
        allocation_in_effect.share as explicit_share,
        case
            when allocation_in_effect.share is null
                then coalesce(allocation_in_effect.weight, kind_weights_in_effect.weight, 1.0)
        end as weight,
        case
            when allocation_in_effect.share is not null then 'share'
            when allocation_in_effect.weight is not null then 'group_weight'
            when kind_weights_in_effect.weight is not null then 'kind_weight'
            else 'default_weight'
        end as allocation_method

    from candidate_groups
    inner join tiers
        on tiers.quarter = candidate_groups.quarter
        and tiers.region_tier = candidate_groups.region_tier
    left join allocation_in_effect
        on allocation_in_effect.quarter = candidate_groups.quarter
        and allocation_in_effect.group_id = candidate_groups.group_id
    left join kind_weights_in_effect
        on kind_weights_in_effect.quarter = candidate_groups.quarter
        and kind_weights_in_effect.group_kind = candidate_groups.group_kind

),

totals as (

    select
        quarter,
        region_tier,
        group_id,
        group_name,
        group_kind,
        explicit_share,
        weight,
        allocation_method,
        coalesce(sum(explicit_share) over (partition by quarter, region_tier), 0)
            as explicit_share_total,
        sum(weight) over (partition by quarter, region_tier) as weight_total

    from weighted

),

final as (

    select
        quarter,
        region_tier,
        group_id,
        group_name,
        group_kind,
        'team/' || region_tier || '/' || group_id as node_id,
        'team/' || region_tier as parent_node_id,
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
