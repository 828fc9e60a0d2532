{#-
    Every CRM sales group with its region, the region's tier (the team segment its targets
    and actuals count in) and the group's kind. Tiers and kinds are plan data: the plan's
    region_tiers and group_kinds name them for the regions and groups they list; any other
    keeps the CRM's own (null when the CRM has none: its groups then count in no tier).
-#}
with

sales_groups as (

    select
        group_id,
        group_name,
        region_id,
        group_kind

    from {{ ref('stg_crm__sales_groups') }}

),

regions as (

    select
        region_id,
        tier

    from {{ ref('stg_crm__regions') }}

),

planned_tiers as (

    select
        region_id,
        tier

    from {{ ref('region_tiers') }}

),

planned_kinds as (

    select
        group_id,
        group_kind

    from {{ ref('group_kinds') }}

),

final as (

    select
        sales_groups.group_id,
        coalesce(sales_groups.group_name, sales_groups.group_id) as group_name,
        sales_groups.region_id,
        coalesce(planned_tiers.tier, regions.tier) as region_tier,
        coalesce(planned_kinds.group_kind, sales_groups.group_kind) as group_kind

    from sales_groups
    left join regions
        on regions.region_id = sales_groups.region_id
    left join planned_tiers
        on planned_tiers.region_id = sales_groups.region_id
    left join planned_kinds
        on planned_kinds.group_id = sales_groups.group_id

)

select * from final
