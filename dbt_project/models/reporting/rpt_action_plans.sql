{#-
    Published action plans against results: quarter x action with budget,
    spend, KPI target and actual, completion, cost per outcome and flag (fct_action_results),
    and why a KPI or spend is null where the source mapping cannot measure it.
-#}
with

action_results as (

    select
        quarter,
        action_id,
        action_name,
        owner,
        start_date,
        end_date,
        budget,
        budget_line,
        spend,
        kpi,
        kpi_target,
        kpi_actual,
        kpi_completion,
        outcome_count,
        cost_per_outcome,
        flag,
        as_of_date,
        not_measured_reason

    from {{ ref('fct_action_results') }}

),

final as (

    select
        quarter,
        action_id,
        action_name,
        owner,
        start_date,
        end_date,
        {{ dbt.safe_cast('budget', type_money()) }} as budget,
        budget_line,
        {{ dbt.safe_cast('spend', type_money()) }} as spend,
        kpi,
        kpi_target,
        kpi_actual,
        kpi_completion,
        {{ dbt.safe_cast('outcome_count', dbt.type_bigint()) }} as outcome_count,
        {{ dbt.safe_cast('cost_per_outcome', type_money()) }} as cost_per_outcome,
        flag,
        as_of_date,
        not_measured_reason

    from action_results

)

select * from final
