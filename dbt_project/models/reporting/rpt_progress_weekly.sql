{#- Published weekly progress (DESIGN section 8): quarter x week x node x metric. -#}
with

progress as (

    select
        quarter,
        week_start,
        week_number,
        node_id,
        parent_node_id,
        dimension,
        level,
        node_name,
        metric,
        quarter_target,
        week_target,
        week_actual,
        week_completion,
        target_to_date,
        actual_to_date,
        completion_to_date,
        projected_quarter_end,
        required_daily_run_rate,
        remaining_working_days,
        reported_through

    from {{ ref('fct_progress_weekly') }}

)

select * from progress
