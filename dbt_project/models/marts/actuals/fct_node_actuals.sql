{#-
    Actuals at the grain of the target tree: one row per quarter x node x metric, as of the
    quarter's as-of date (the as-of week's figures of fct_progress_weekly), with the
    quarter's target and completion = actual / target (null without a target), and the
    target due by the as-of date (expected_to_date) with completion_to_date = actual / it: a
    closed quarter has both equal to the quarter's, an open one is judged on the latter.
    A rate the source mapping cannot measure has no actual and says why (not_measured_reason).
-#}

with

quarters as (

    select
        quarter,
        as_of_date

    from {{ ref('int_plan_quarters_resolved') }}

),

progress as (

    select
        quarter,
        node_id,
        metric,
        parent_node_id,
        dimension,
        level,
        node_name,
        measure_kind,
        quarter_target,
        target_to_date,
        actual_to_date,
        completion_to_date,
        not_measured_reason

    from {{ ref('fct_progress_weekly') }}
    where is_as_of_week

),

final as (

    select
        progress.quarter,
        progress.node_id,
        progress.metric,
        progress.parent_node_id,
        progress.dimension,
        progress.level,
        progress.node_name,
        progress.measure_kind,
        progress.quarter_target as target_value,
        progress.actual_to_date as actual_value,
        case
            when {{ divide("progress.actual_to_date", "nullif(progress.quarter_target, 0)") }} < 0
                then 0.0
            else {{ dbt.safe_cast('progress.actual_to_date', "double") }}
                / nullif({{ dbt.safe_cast('progress.quarter_target', "double") }}, 0)
        end as completion,
        progress.target_to_date as expected_to_date,
        progress.completion_to_date,
        quarters.as_of_date,
        -- last: an existing incremental table gains it at its end
        progress.not_measured_reason

    from progress
    inner join quarters
        on quarters.quarter = progress.quarter

)

select * from final
