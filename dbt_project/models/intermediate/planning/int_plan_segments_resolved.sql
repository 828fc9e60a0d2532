{#-
    The dimension segments of each planned quarter and their share of the total, from the
    set of shares in effect (per dimension, int_plan_sets_in_effect).
-#}
with

quarters as (

    select quarter

    from {{ ref('int_plan_quarters_resolved') }}
    where is_planned

),

shares as (

    select
        from_quarter,
        dimension,
        segment,
        share

    from {{ ref('dimension_shares') }}

),

sets_in_effect as (

    select
        quarters.quarter,
        sets.dimension,
        sets.from_quarter

    from quarters
    inner join {{ ref('int_plan_sets_in_effect') }} as sets
        on sets.quarter = quarters.quarter
        and sets.plan_table = 'dimension_shares'

),

resolved as (

    select
        sets_in_effect.quarter,
        shares.dimension,
        shares.segment,
        shares.share,
        shares.dimension || '/' || shares.segment as node_id,
        case shares.dimension || '/' || shares.segment
            when 'customer/existing' then 'Existing customers'
            when 'customer/new' then 'New customers'
            when 'product/core' then 'Core products'
            when 'product/new' then 'New products'
            when 'product/long_tail' then 'Long-tail products'
            when 'team/tier1' then 'Tier-1 cities'
            when 'team/tier2' then 'Tier-2 cities'
            when 'team/tier3_4' then 'Tier-3/4 cities'
            when 'team/channel' then 'Channel'
            else shares.segment
        end as node_name

    from sets_in_effect
    inner join shares
        on shares.from_quarter = sets_in_effect.from_quarter
        and shares.dimension = sets_in_effect.dimension

)

select * from resolved
