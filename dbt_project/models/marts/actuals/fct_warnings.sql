{#-
    Warning flags: one row per quarter x reported week x node x metric
    that is behind pace. The measure is fct_progress_weekly.judged_completion (judged_on says
    which: the completion to date for rates, reps and responsibility slices, the lower of
    the week's and the to-date completion for other nodes unless they are on pace to date;
    a week in progress is not judged); a node is amber below its warning line and red below its red line
    (warning_lines.csv per metric: for a KPI node its KPI name, e.g. repurchase_rate, then
    `rate`; for new customers `new_customers`, then `customers`; missing lines default to
    vars default_amber_below / default_red_below). A week without a judgment (no target, no working day, in
    progress) is skipped. consecutive_weeks counts the weeks in a row
    (skipped weeks not counted, not breaking the run) below the warning line, this one
    included. owner_rep_id: the rep who answers for a rep, group or responsibility-owner
    node (int_node_owners_resolved); rpt_warnings names the team answering for any other
    (head of sales for the total, the customer or product team, the region's team, the
    responsibility's owners).
-#}

with

quarters as (

    select quarter

    from {{ ref('int_plan_quarters_resolved') }}

),

progress as (

    select
        progress.quarter,
        progress.week_start,
        progress.week_number,
        progress.node_id,
        progress.metric,
        progress.dimension,
        progress.node_name,
        progress.measure_kind,
        progress.quarter_target,
        progress.actual_to_date,
        progress.target_to_date,
        progress.remaining_working_days,
        progress.required_daily_run_rate,
        progress.judged_on,
        progress.judged_completion as completion,
        case
            when progress.metric = 'rate'
                then {{ dbt.split_part('progress.node_id', "'/'", 3) }}
            when progress.metric = 'customers' then 'new_customers'
            else progress.metric
        end as line_metric,
        case when progress.metric = 'customers' then 'customers' else 'rate' end
            as fallback_line_metric

    from {{ ref('fct_progress_weekly') }} as progress
    inner join quarters
        on quarters.quarter = progress.quarter
    where progress.quarter_target > 0

),

lines_in_effect as (

    {{ plan_rows_in_effect('warning_lines', ['metric', 'amber_below', 'red_below']) }}

),

judged as (

    select
        progress.quarter,
        progress.week_start,
        progress.week_number,
        progress.node_id,
        progress.metric,
        progress.dimension,
        progress.node_name,
        progress.measure_kind,
        progress.judged_on,
        progress.quarter_target,
        progress.actual_to_date,
        progress.target_to_date,
        progress.remaining_working_days,
        progress.required_daily_run_rate,
        progress.completion,
        coalesce(own_line.amber_below, fallback_line.amber_below, {{ var('default_amber_below') }}) as amber_below,
        coalesce(own_line.red_below, fallback_line.red_below, {{ var('default_red_below') }}) as red_below

    from progress
    left join lines_in_effect as own_line
        on own_line.quarter = progress.quarter
        and own_line.metric = progress.line_metric
    left join lines_in_effect as fallback_line
        on fallback_line.quarter = progress.quarter
        and fallback_line.metric = progress.fallback_line_metric
    where progress.completion is not null

),

runs as (

    select
        judged.quarter,
        judged.week_start,
        judged.week_number,
        judged.node_id,
        judged.metric,
        judged.dimension,
        judged.node_name,
        judged.measure_kind,
        judged.judged_on,
        judged.quarter_target,
        judged.actual_to_date,
        judged.target_to_date,
        judged.remaining_working_days,
        judged.required_daily_run_rate,
        judged.completion,
        judged.amber_below,
        judged.red_below,
        judged.completion < judged.amber_below as is_behind,
        row_number() over (
            partition by quarter, node_id, metric order by week_start)
        - row_number() over (
            partition by quarter, node_id, metric, judged.completion < judged.amber_below
            order by week_start) as run_id

    from judged

),

behind as (

    select
        runs.quarter,
        runs.week_start,
        runs.week_number,
        runs.node_id,
        runs.metric,
        runs.dimension,
        runs.node_name,
        runs.measure_kind,
        runs.judged_on,
        runs.quarter_target,
        runs.actual_to_date,
        runs.target_to_date,
        runs.remaining_working_days,
        runs.required_daily_run_rate,
        runs.completion,
        runs.amber_below,
        runs.red_below,
        row_number() over (
            partition by quarter, node_id, metric, run_id order by week_start
        ) as consecutive_weeks

    from runs
    where is_behind

),

owners as (

    select
        quarter,
        node_id,
        owner_rep_id,
        owner_rep_name

    from {{ ref('int_node_owners_resolved') }}

),

final as (

    select
        -- keys
        behind.quarter,
        behind.week_start,
        behind.week_number,
        behind.node_id,
        behind.metric,

        -- flag
        case when behind.completion < behind.red_below then 'red' else 'amber' end as level,
        behind.completion,
        case when behind.completion < behind.red_below then behind.red_below
            else behind.amber_below end as threshold,
        behind.amber_below,
        behind.red_below,
        cast(behind.consecutive_weeks as {{ dbt.type_int() }}) as consecutive_weeks,

        -- who acts (rpt_warnings writes it out)
        owners.owner_rep_id,
        owners.owner_rep_name,

        -- context
        behind.node_name,
        behind.dimension,
        behind.measure_kind,
        behind.judged_on,
        behind.actual_to_date,
        behind.target_to_date,
        behind.remaining_working_days,
        behind.required_daily_run_rate

    from behind
    left join owners
        on owners.quarter = behind.quarter
        and owners.node_id = behind.node_id

)

select * from final
