{# Longer than 250 lines: eight review sections, each a short CTE, in one ordered union. #}
{#-
    The closed-loop quarter review (DESIGN section 7 and 8), one row per quarter x finding,
    for every run quarter; a quarter whose as-of date is before its last day is provisional.
    Numbers and codes only: rpt_quarter_review writes each finding as a sentence from them.
    Sections:
    - total: total revenue against its target;
    - dimension: completion of every customer, product, team and responsibility node and
      metric with a target;
    - short_board: those below the plan's warning line of their metric (amber_below of
      warning_lines.csv, the KPI's own line first as in fct_warnings, default var default_amber_below): a closed
      quarter's completion of the quarter target, an open quarter's completion to date (its
      target_value is then the target due by the as-of date);
    - best / worst: the region, group and rep with the highest / lowest revenue completion
      (ties: the node id that sorts first);
    - resources: actions flagged in fct_action_results, budget lines (spend of their actions
      against the line), people added (with their group's completion);
    - next_quarter: the suggested next total = this quarter's actual x (1 + growth), growth =
      this quarter's revenue_growth in quarter_totals.csv, else 10% (the rule `plan suggest`
      uses; it also moves each dimension's shares halfway to this quarter's actual mix).
-#}
{%- set default_growth = var("suggested_growth_default") -%}
{#- the details a finding's sentence needs (rpt_quarter_review), and which section has which -#}
{%- set detail_columns = [
    "subject_name", "team_level", "action_owner", "action_flag", "warning_line", "spend",
    "budget", "window_elapsed_share", "cost_per_outcome", "budget_share", "growth_rate",
    "next_quarter",
] -%}
{%- set section_details = {
    "total_findings": ["subject_name"],
    "dimension_findings": ["subject_name"],
    "short_board_findings": ["subject_name", "warning_line"],
    "ranking_findings": ["subject_name", "team_level"],
    "action_findings": ["subject_name", "action_owner", "action_flag", "spend", "budget",
                        "window_elapsed_share", "cost_per_outcome"],
    "budget_line_findings": ["budget_share"],
    "people_findings": ["subject_name", "warning_line"],
    "next_quarter_findings": ["growth_rate", "next_quarter"],
} -%}

with

quarters as (

    select
        quarter,
        quarter_end_date,
        as_of_date,
        revenue_growth,
        as_of_date < quarter_end_date as is_provisional,
        {{ quarter_label_of(dbt.dateadd('day', 1, 'quarter_end_date')) }} as next_quarter

    from {{ ref('int_plan_quarters_resolved') }}
    where is_planned

),

nodes as (

    select
        node_actuals.quarter,
        node_actuals.node_id,
        node_actuals.metric,
        node_actuals.dimension,
        node_actuals.level,
        node_actuals.node_name,
        node_actuals.target_value,
        node_actuals.actual_value,
        node_actuals.completion,
        node_actuals.expected_to_date,
        node_actuals.completion_to_date

    from {{ ref('fct_node_actuals') }} as node_actuals
    inner join quarters
        on quarters.quarter = node_actuals.quarter

),

warning_lines as (

    {{ plan_rows_in_effect('warning_lines', ['metric', 'amber_below']) }}

),

total_findings as (

    select
        nodes.quarter,
        'total' as section,
        nodes.node_id as subject,
        nodes.metric,
        nodes.target_value,
        nodes.actual_value,
        nodes.completion,
        nodes.node_name as subject_name

    from nodes
    inner join quarters
        on quarters.quarter = nodes.quarter
    where nodes.node_id = 'total'
        and nodes.metric = 'revenue'

),

dimension_nodes as (

    select
        nodes.quarter,
        nodes.node_id,
        nodes.metric,
        nodes.dimension,
        nodes.level,
        nodes.node_name,
        nodes.target_value,
        nodes.actual_value,
        nodes.completion,
        nodes.expected_to_date,
        nodes.completion_to_date,
        quarters.is_provisional,
        quarters.as_of_date,
        -- the line fct_warnings uses: the KPI's own, else its metric's
        coalesce(own_line.amber_below, metric_line.amber_below, {{ var('default_amber_below') }}) as plan_line

    from nodes
    inner join quarters
        on quarters.quarter = nodes.quarter
    left join warning_lines as own_line
        on own_line.quarter = nodes.quarter
        and own_line.metric = case
            when nodes.metric = 'rate' then {{ dbt.split_part('nodes.node_id', "'/'", 3) }}
            when nodes.metric = 'customers' then 'new_customers'
            else nodes.metric
        end
    left join warning_lines as metric_line
        on metric_line.quarter = nodes.quarter
        and metric_line.metric = case when nodes.metric = 'customers' then 'customers' else 'rate' end
    where nodes.dimension in ('customer', 'product', 'team', 'responsibility')
        and nodes.target_value is not null

),

dimension_findings as (

    select
        quarter,
        'dimension' as section,
        node_id as subject,
        metric,
        target_value,
        actual_value,
        completion,
        node_name as subject_name

    from dimension_nodes

),

-- a closed quarter's node against its quarter target; an open quarter's against the
-- target due by its as-of date (what it should have done so far)
short_board_measures as (

    select
        quarter,
        node_id,
        metric,
        node_name,
        plan_line,
        is_provisional,
        as_of_date,
        case when is_provisional then expected_to_date else target_value end as target_value,
        actual_value,
        case when is_provisional then completion_to_date else completion end as completion

    from dimension_nodes

),

short_board_findings as (

    select
        quarter,
        'short_board' as section,
        node_id as subject,
        metric,
        target_value,
        actual_value,
        completion,
        node_name as subject_name,
        plan_line as warning_line

    from short_board_measures
    where coalesce(completion, 0) < plan_line

),

team_ranked as (

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

    from dimension_nodes
    where dimension = 'team'
        and metric = 'revenue'
        and completion is not null

),

ranking_findings as (

    select
        quarter,
        'best' as section,
        node_id as subject,
        'revenue' as metric,
        target_value,
        actual_value,
        completion,
        node_name as subject_name,
        team_level

    from team_ranked
    where best_rank = 1

    union all

    select
        quarter,
        'worst' as section,
        node_id as subject,
        'revenue' as metric,
        target_value,
        actual_value,
        completion,
        node_name as subject_name,
        team_level

    from team_ranked
    where worst_rank = 1

),

actions as (

    select
        action_results.quarter,
        action_results.action_id,
        action_results.action_name,
        action_results.owner,
        action_results.budget,
        action_results.budget_line,
        action_results.spend,
        action_results.kpi,
        action_results.kpi_target,
        action_results.kpi_actual,
        action_results.kpi_completion,
        action_results.cost_per_outcome,
        action_results.window_elapsed_share,
        action_results.flag

    from {{ ref('fct_action_results') }} as action_results
    inner join quarters
        on quarters.quarter = action_results.quarter

),

action_findings as (

    select
        quarter,
        'resources' as section,
        action_id as subject,
        kpi as metric,
        kpi_target as target_value,
        kpi_actual as actual_value,
        kpi_completion as completion,
        action_name as subject_name,
        owner as action_owner,
        flag as action_flag,
        spend,
        budget,
        window_elapsed_share,
        cost_per_outcome

    from actions
    where flag in ('budget_spent_kpi_missed', 'over_budget', 'behind_pace', 'kpi_missed')

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

budget_line_findings as (

    select
        resources.quarter,
        'resources' as section,
        resources.resource_id as subject,
        'budget' as metric,
        resources.budget as target_value,
        sum(actions.spend) as actual_value,
        {{ dbt.safe_cast('sum(actions.spend)', 'double') }}
            / nullif({{ dbt.safe_cast('resources.budget', 'double') }}, 0) as completion,
        resources.marketing_budget_share as budget_share

    from resources
    left join actions
        on actions.quarter = resources.quarter
        and actions.budget_line = resources.resource_id
    where resources.resource_kind = 'budget'
    group by resources.quarter, resources.resource_id, resources.budget,
        resources.marketing_budget_share

),

people_findings as (

    select
        resources.quarter,
        'resources' as section,
        resources.resource_id as subject,
        'people' as metric,
        resources.people_added as target_value,
        null as actual_value,
        groups.completion,
        coalesce(groups.node_name, resources.group_id) as subject_name,
        groups.plan_line as warning_line

    from resources
    left join dimension_nodes as groups
        on groups.quarter = resources.quarter
        and groups.dimension = 'team'
        and groups.level = 2
        and groups.metric = 'revenue'
        and {{ dbt.split_part('groups.node_id', "'/'", 3) }} = resources.group_id
    where resources.resource_kind = 'people'

),

next_quarter_findings as (

    select
        total_findings.quarter,
        'next_quarter' as section,
        'total' as subject,
        'revenue' as metric,
        round(total_findings.actual_value
            * (1 + {{ dbt.safe_cast('coalesce(quarters.revenue_growth, ' ~ default_growth ~ ')',
                                    'numeric(12, 6)') }}), 2) as target_value,
        total_findings.actual_value,
        null as completion,
        coalesce(quarters.revenue_growth, {{ default_growth }}) as growth_rate,
        quarters.next_quarter

    from total_findings
    inner join quarters
        on quarters.quarter = total_findings.quarter

),

-- every section: its numbers, and the details its sentence needs (null where it has none)
findings as (

    {% for section_findings, details in section_details.items() %}
    select
        quarter,
        section,
        subject,
        metric,
        target_value,
        actual_value,
        completion,
        {%- for column in detail_columns %}
        {{ column if column in details else 'null' }} as {{ column }}{{ ',' if not loop.last }}
        {%- endfor %}

    from {{ section_findings }}
    {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

final as (

    select
        findings.quarter,
        findings.section,
        findings.subject,
        findings.metric,
        cast(findings.target_value as numeric(22, 6)) as target_value,
        cast(findings.actual_value as numeric(22, 6)) as actual_value,
        {{ dbt.safe_cast('findings.completion', 'double') }} as completion,
        row_number() over (
            partition by findings.quarter
            order by
                case findings.section
                    when 'total' then 1 when 'dimension' then 2 when 'short_board' then 3
                    when 'best' then 4 when 'worst' then 5 when 'resources' then 6
                    else 7
                end,
                findings.subject,
                findings.metric
        ) as finding_order,
        quarters.is_provisional,
        quarters.as_of_date,

        -- what the finding's sentence needs besides the numbers
        {%- for column in detail_columns %}
        findings.{{ column }}{{ ',' if not loop.last }}
        {%- endfor %}

    from findings
    inner join quarters
        on quarters.quarter = findings.quarter

)

select * from final
