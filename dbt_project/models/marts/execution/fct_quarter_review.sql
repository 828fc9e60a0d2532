{#-
    The closed-loop quarter review, one row per quarter x finding,
    for every run quarter; a quarter whose as-of date is before its last day is provisional.
    Numbers and codes only: rpt_quarter_review writes each finding as a sentence from them.
    Sections:
    - total: total revenue against its target;
    - dimension: completion of every customer, product, team and responsibility node and
      metric with a target (int_review_nodes_judged);
    - short_board: those below the plan's warning line of their metric: a closed quarter's
      completion of the quarter target, an open quarter's completion to date (its
      target_value is then the target due by the as-of date);
    - best / worst: the region, group and rep with the highest / lowest revenue completion
      (int_review_teams_ranked);
    - resources: actions flagged in fct_action_results, budget lines and people added
      (int_review_resources_measured);
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
    "resource_findings": ["subject_name", "budget_share", "warning_line"],
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

total_findings as (

    select
        node_actuals.quarter,
        'total' as section,
        node_actuals.node_id as subject,
        node_actuals.metric,
        node_actuals.target_value,
        node_actuals.actual_value,
        node_actuals.completion,
        node_actuals.node_name as subject_name

    from {{ ref('fct_node_actuals') }} as node_actuals
    inner join quarters
        on quarters.quarter = node_actuals.quarter
    where node_actuals.node_id = 'total'
        and node_actuals.metric = 'revenue'

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

    from {{ ref('int_review_nodes_judged') }}

),

short_board_findings as (

    select
        quarter,
        'short_board' as section,
        node_id as subject,
        metric,
        judged_target_value as target_value,
        actual_value,
        judged_completion as completion,
        node_name as subject_name,
        plan_line as warning_line

    from {{ ref('int_review_nodes_judged') }}
    where coalesce(judged_completion, 0) < plan_line

),

ranking_findings as (

    select
        quarter,
        ranking as section,
        node_id as subject,
        'revenue' as metric,
        target_value,
        actual_value,
        completion,
        node_name as subject_name,
        team_level

    from {{ ref('int_review_teams_ranked') }}

),

action_findings as (

    select
        action_results.quarter,
        'resources' as section,
        action_results.action_id as subject,
        action_results.kpi as metric,
        action_results.kpi_target as target_value,
        action_results.kpi_actual as actual_value,
        action_results.kpi_completion as completion,
        action_results.action_name as subject_name,
        action_results.owner as action_owner,
        action_results.flag as action_flag,
        action_results.spend,
        action_results.budget,
        action_results.window_elapsed_share,
        action_results.cost_per_outcome

    from {{ ref('fct_action_results') }} as action_results
    inner join quarters
        on quarters.quarter = action_results.quarter
    where action_results.flag in ('budget_spent_kpi_missed', 'over_budget', 'behind_pace', 'kpi_missed')

),

resource_findings as (

    select
        quarter,
        'resources' as section,
        resource_id as subject,
        metric,
        target_value,
        actual_value,
        completion,
        group_name as subject_name,
        budget_share,
        warning_line

    from {{ ref('int_review_resources_measured') }}

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
