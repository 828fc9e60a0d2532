{#- Published weekly progress: quarter x week x node x metric, with the
    week's flag (the warning of fct_warnings, else on_track when the week was judged), and
    why a measure has no actual where the source mapping cannot provide it. -#}
{%- set progress_columns = [
    "quarter", "week_start", "week_number", "node_id", "parent_node_id", "dimension",
    "level", "node_name", "metric", "quarter_target", "week_target", "week_actual",
    "week_completion", "target_to_date", "actual_to_date", "completion_to_date",
    "projected_quarter_end", "required_daily_run_rate", "remaining_working_days",
    "reported_through", "is_complete_week", "judged_on", "judged_completion",
] -%}
with

progress as (

    select
        {%- for column in progress_columns %}
        {{ column }},
        {%- endfor %}
        not_measured_reason

    from {{ ref('fct_progress_weekly') }}

),

warnings as (

    select
        quarter,
        week_start,
        node_id,
        metric,
        level

    from {{ ref('fct_warnings') }}

),

final as (

    select
        {%- for column in progress_columns %}
        progress.{{ column }},
        {%- endfor %}
        case
            when progress.judged_on is null then null
            else coalesce(warnings.level, 'on_track')
        end as flag,
        progress.not_measured_reason,
        -- the name of level from now on (level stays for one release, then goes)
        progress.level as node_depth

    from progress
    left join warnings
        on warnings.quarter = progress.quarter
        and warnings.week_start = progress.week_start
        and warnings.node_id = progress.node_id
        and warnings.metric = progress.metric

)

select * from final
