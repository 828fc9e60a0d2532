{#-
    Published team performance: quarter x team node (region tier, group,
    rep) with revenue target, actual as of the as-of date, completion, and rank within the
    level (1 = highest completion; nodes without a target, e.g. a moved rep's node under the
    new group, rank after all others, by revenue).
-#}
with

actuals as (

    select
        quarter,
        node_id,
        parent_node_id,
        node_name,
        level,
        target_value,
        actual_value,
        completion,
        as_of_date

    from {{ ref('fct_node_actuals') }}
    where dimension = 'team'
        and metric = 'revenue'

),

final as (

    select
        quarter,
        case level when 1 then 'region' when 2 then 'group' else 'rep' end as level,
        node_id,
        parent_node_id,
        node_name,
        {{ dbt.safe_cast('target_value', type_money()) }} as target_value,
        {{ dbt.safe_cast('actual_value', type_money()) }} as actual_value,
        completion,
        -- rank() is a BIGINT on DuckDB, an INT on Spark: the contract says BIGINT
        cast(rank() over (
            partition by quarter, level
            order by case when completion is null then 1 else 0 end, completion desc,
                actual_value desc
        ) as {{ dbt.type_bigint() }}) as rank_in_level,
        as_of_date,
        -- the name of level from now on (level stays for one release, then goes)
        case level when 1 then 'region' when 2 then 'group' else 'rep' end as team_level

    from actuals

)

select * from final
