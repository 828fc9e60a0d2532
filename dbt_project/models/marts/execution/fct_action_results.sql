{#-
    Action plans against results per quarter x action: KPI
    completion, cost per outcome and one flag, the first that applies of
    - budget_spent_kpi_missed: spend reached the budget, KPI completion below the line;
    - over_budget: spend above the budget;
    - behind_pace: the window is running and completion is below the line x the share of the
      window elapsed (counts and customer rates accumulate; aov_lift is a level: the line);
    - kpi_missed: the window is over and completion is below the line;
    - not_started;
    - not_measured: the source mapping cannot measure the KPI (no leads; not_measured_reason
      says which table): no KPI flag applies, budget flags still do;
    - else on_track.
    The line is var action_kpi_line (dbt_project.yml).
    Quarter-keyed, incremental (delete+insert by quarter).
-#}
{%- set kpi_line = var("action_kpi_line") -%}

with

measured as (

    select
        quarter,
        action_id,
        action_name,
        owner,
        start_date,
        end_date,
        budget,
        budget_line,
        kpi,
        kpi_target,
        lead_source,
        campaign_id,
        spend,
        kpi_actual,
        outcome_count,
        is_kpi_measured,
        not_measured_reason,
        measured_until,
        as_of_date,
        is_started,
        is_window_over,
        window_elapsed_share

    from {{ ref('int_actions_measured') }}

),

completed as (

    select
        measured.*,
        case
            when measured.kpi_actual is null then null
            when measured.kpi_actual / measured.kpi_target < 0 then 0.0
            else measured.kpi_actual / measured.kpi_target
        end as kpi_completion,
        coalesce(measured.spend > measured.budget, false) as is_over_budget,
        coalesce(measured.budget > 0 and measured.spend >= measured.budget, false)
            as is_budget_spent

    from measured

),

flagged as (

    select
        completed.*,
        completed.is_kpi_measured
            and coalesce(completed.kpi_completion, 0) < {{ kpi_line }} as is_kpi_below_line,
        completed.is_kpi_measured
            and not completed.is_window_over
            and completed.is_started
            and coalesce(completed.kpi_completion, 0) < {{ kpi_line }}
                * case when completed.kpi = 'aov_lift' then 1.0
                    else completed.window_elapsed_share end
            as is_behind_pace

    from completed

),

final as (

    select
        -- keys
        quarter,
        action_id,

        -- the plan
        action_name,
        owner,
        start_date,
        end_date,
        budget,
        budget_line,
        kpi,
        kpi_target,
        lead_source,
        campaign_id,

        -- results
        spend,
        kpi_actual,
        kpi_completion,
        outcome_count,
        -- to the cent, half up, in whole numbers: floor((2 * cents + n) / 2n). DuckDB divides
        -- a DECIMAL as a DOUBLE and Spark as a DECIMAL, and 175,443.87 / 14 = 12,531.705
        -- came out .70 on one engine and .71 on the other.
        {{ dbt.safe_cast(
            'floor((spend * 200 + outcome_count) / (2 * nullif(outcome_count, 0))) / 100',
            type_money()) }}
            as cost_per_outcome,
        case
            when is_budget_spent and is_kpi_below_line then 'budget_spent_kpi_missed'
            when is_over_budget then 'over_budget'
            when is_behind_pace then 'behind_pace'
            when is_window_over and is_kpi_below_line then 'kpi_missed'
            when not is_started then 'not_started'
            when not is_kpi_measured then 'not_measured'
            else 'on_track'
        end as flag,
        is_over_budget,
        is_budget_spent,
        is_behind_pace,
        {{ kpi_line }} as kpi_line,

        -- timing
        measured_until,
        window_elapsed_share,
        as_of_date,
        -- last: an existing incremental table gains it at its end
        not_measured_reason

    from flagged

)

select * from final
