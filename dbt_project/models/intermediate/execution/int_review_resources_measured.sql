{#-
    The resources of resources.csv measured for the quarter review (fct_quarter_review),
    one row per budget or people line of each planned run quarter:
    - a budget line: the spend of its actions (fct_action_results) against the line;
    - people added: their group's revenue completion, against its warning line.
-#}
with

quarters as (

    select quarter

    from {{ ref('int_plan_quarters_resolved') }}
    where is_planned

),

resources as (

    select
        quarters.quarter,
        resources.resource_kind,
        resources.resource_id,
        resources.group_id,
        resources.people_added,
        resources.budget,
        resources.marketing_budget_share

    from {{ ref('resources') }} as resources
    inner join quarters
        on quarters.quarter = resources.quarter

),

action_spend as (

    select
        quarter,
        budget_line,
        spend

    from {{ ref('fct_action_results') }}

),

groups as (

    select
        quarter,
        node_id,
        node_name,
        completion,
        plan_line

    from {{ ref('int_review_nodes_judged') }}
    where dimension = 'team'
        and level = 2
        and metric = 'revenue'

),

final as (

    select
        resources.quarter,
        resources.resource_id,
        'budget' as metric,
        resources.budget as target_value,
        sum(action_spend.spend) as actual_value,
        {{ dbt.safe_cast('sum(action_spend.spend)', 'double') }}
            / nullif({{ dbt.safe_cast('resources.budget', 'double') }}, 0) as completion,
        null as group_name,
        resources.marketing_budget_share as budget_share,
        null as warning_line

    from resources
    left join action_spend
        on action_spend.quarter = resources.quarter
        and action_spend.budget_line = resources.resource_id
    where resources.resource_kind = 'budget'
    group by resources.quarter, resources.resource_id, resources.budget,
        resources.marketing_budget_share

    union all

    select
        resources.quarter,
        resources.resource_id,
        'people' as metric,
        resources.people_added as target_value,
        null as actual_value,
        groups.completion,
        coalesce(groups.node_name, resources.group_id) as group_name,
        null as budget_share,
        groups.plan_line as warning_line

    from resources
    left join groups
        on groups.quarter = resources.quarter
        and {{ dbt.split_part('groups.node_id', "'/'", 3) }} = resources.group_id
    where resources.resource_kind = 'people'

)

select * from final
