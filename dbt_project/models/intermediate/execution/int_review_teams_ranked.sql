{#-
    The best and the worst region, group and rep of each planned run quarter by revenue
    completion, for the quarter review (fct_quarter_review): one row per quarter x ranking
    (best, worst) x team level. Ties go to the node id that sorts first; a node without a
    completion is not ranked.
-#}
with

team_nodes as (

    select
        quarter,
        node_id,
        node_name,
        case level when 1 then 'region' when 2 then 'group' else 'rep' end as team_level,
        target_value,
        actual_value,
        completion,
        row_number() over (
            partition by quarter, level order by completion desc, node_id
        ) as best_rank,
        row_number() over (
            partition by quarter, level order by completion asc, node_id
        ) as worst_rank

    from {{ ref('int_review_nodes_judged') }}
    where dimension = 'team'
        and metric = 'revenue'
        and completion is not null

),

final as (

    select
        quarter,
        'best' as ranking,
        team_level,
        node_id,
        node_name,
        target_value,
        actual_value,
        completion

    from team_nodes
    where best_rank = 1

    union all

    select
        quarter,
        'worst' as ranking,
        team_level,
        node_id,
        node_name,
        target_value,
        actual_value,
        completion

    from team_nodes
    where worst_rank = 1

)

select * from final
