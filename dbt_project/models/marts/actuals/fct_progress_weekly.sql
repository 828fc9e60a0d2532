{# Longer than 250 lines: phasing, actuals, pace, projection and judgment of one node-week grid. #}
{#-
    Progress control (DESIGN section 7): one row per quarter x reported week x node x metric,
    for every node and metric int_progress_nodes_listed lists (the target tree's plus the
    nodes that only have actuals), so children's actuals always sum to their parent's.

    Sums (revenue, units, customers) and accumulating rates (repurchase, churn recall,
    inventory reduction: they only grow over the quarter):
    - week_target = target x the week's share of the quarter's phased working days (to the
      as-of date in the as-of week); target_to_date likewise from the quarter's first day;
    - week_actual, actual_to_date (for an accumulating rate: the rate gained in the week /
      the rate so far); completions = actual / target (null without a target);
    - projected_quarter_end = actual_to_date + recent daily rate x working days left, the
      recent daily rate being the actual of this and the previous week / their working days
      so far (quarter to date when those have none);
    - required_daily_run_rate = what is left of the target / working days left (0 when met,
      null when no working day is left).
    Level rates (lead conversion, AOV lift, 30-day sell-through) are not phased: the target
    to date is the quarter's target, the week's value is the rate so far, the projection is
    the rate so far, and no daily run rate applies. A negative rate counts as 0% completion.

    What a flag judges (judged_on, judged_completion; docs/plan.md "When a node is flagged"):
    - a week still in progress is not judged: the flag waits for the complete week;
    - rates: completion to date;
    - reps and responsibility slices: completion to date, revenue only once the target due
      to date reaches var rep_warning_minimum_to_date (one slow week of a small rep is noise);
    - other nodes: the lower of the week's completion and the completion to date, unless
      completion to date is at least 100% (a node on pace is never flagged for one weak
      week, and a node behind is not cleared by one good week);
    - no target, or none due in the week (no working day): not judged.
-#}
{%- set value_type = api.Column.numeric_type("numeric", 22, 6) -%}
with

weeks as (

    select
        quarter,
        week_start,
        week_number,
        reported_through,
        is_as_of_week,
        reported_through = last_date as is_complete_week,
        working_days_to_date,
        recent_working_days,
        remaining_working_days,
        week_phase_fraction,
        phase_fraction_to_date

    from {{ ref('int_quarter_weeks_phased') }}

),

amounts as (

    select
        quarter,
        node_id,
        metric,
        week_start,
        amount

    from {{ ref('int_node_amounts_weekly') }}

),

nodes as (

    select
        quarter,
        node_id,
        parent_node_id,
        dimension,
        level,
        node_name,
        metric,
        target_value,
        measure_kind

    from {{ ref('int_progress_nodes_listed') }}

),

rates as (

    select
        quarter,
        node_id,
        week_start,
        rate

    from {{ ref('int_kpi_rates_weekly') }}

),

node_weeks as (

    select
        nodes.quarter,
        weeks.week_start,
        weeks.week_number,
        weeks.reported_through,
        weeks.is_as_of_week,
        weeks.is_complete_week,
        nodes.node_id,
        nodes.parent_node_id,
        nodes.dimension,
        nodes.level,
        nodes.node_name,
        nodes.metric,
        nodes.measure_kind,
        {{ dbt.safe_cast('nodes.target_value', "double") }} as target_value,
        weeks.week_phase_fraction,
        weeks.phase_fraction_to_date,
        weeks.working_days_to_date,
        weeks.recent_working_days,
        weeks.remaining_working_days,
        case
            when nodes.metric = 'rate' then rates.rate
            else {{ dbt.safe_cast('coalesce(amounts.amount, 0)', "double") }}
        end as measured_value

    from nodes
    inner join weeks
        on weeks.quarter = nodes.quarter
    left join amounts
        on amounts.quarter = nodes.quarter
        and amounts.node_id = nodes.node_id
        and amounts.metric = nodes.metric
        and amounts.week_start = weeks.week_start
    left join rates
        on rates.quarter = nodes.quarter
        and rates.node_id = nodes.node_id
        and rates.week_start = weeks.week_start

),

to_date as (

    select
        node_weeks.quarter,
        node_weeks.week_start,
        node_weeks.week_number,
        node_weeks.reported_through,
        node_weeks.is_as_of_week,
        node_weeks.is_complete_week,
        node_weeks.node_id,
        node_weeks.parent_node_id,
        node_weeks.dimension,
        node_weeks.level,
        node_weeks.node_name,
        node_weeks.metric,
        node_weeks.measure_kind,
        node_weeks.target_value,
        node_weeks.week_phase_fraction,
        node_weeks.phase_fraction_to_date,
        node_weeks.working_days_to_date,
        node_weeks.recent_working_days,
        node_weeks.remaining_working_days,
        node_weeks.measured_value,
        case
            when measure_kind = 'sum' then sum(measured_value) over (
                partition by quarter, node_id, metric order by week_start
                rows between unbounded preceding and current row)
            else measured_value
        end as actual_to_date_value

    from node_weeks

),

weekly as (

    select
        to_date.quarter,
        to_date.week_start,
        to_date.week_number,
        to_date.reported_through,
        to_date.is_as_of_week,
        to_date.is_complete_week,
        to_date.node_id,
        to_date.parent_node_id,
        to_date.dimension,
        to_date.level,
        to_date.node_name,
        to_date.metric,
        to_date.measure_kind,
        to_date.target_value,
        to_date.week_phase_fraction,
        to_date.phase_fraction_to_date,
        to_date.working_days_to_date,
        to_date.recent_working_days,
        to_date.remaining_working_days,
        to_date.actual_to_date_value,
        case
            when measure_kind = 'level_rate' then actual_to_date_value
            else actual_to_date_value - coalesce(lag(actual_to_date_value) over (
                partition by quarter, node_id, metric order by week_start), 0)
        end as week_actual_value,
        case
            when measure_kind = 'level_rate' then target_value
            else target_value * week_phase_fraction
        end as week_target_value,
        case
            when measure_kind = 'level_rate' then target_value
            else target_value * phase_fraction_to_date
        end as target_to_date_value

    from to_date

),

paced as (

    select
        weekly.quarter,
        weekly.week_start,
        weekly.week_number,
        weekly.reported_through,
        weekly.is_as_of_week,
        weekly.is_complete_week,
        weekly.node_id,
        weekly.parent_node_id,
        weekly.dimension,
        weekly.level,
        weekly.node_name,
        weekly.metric,
        weekly.measure_kind,
        weekly.target_value,
        weekly.week_phase_fraction,
        weekly.phase_fraction_to_date,
        weekly.working_days_to_date,
        weekly.recent_working_days,
        weekly.remaining_working_days,
        weekly.actual_to_date_value,
        weekly.week_actual_value,
        weekly.week_target_value,
        weekly.target_to_date_value,
        -- this and the previous week's actual over their working days so far
        case
            when recent_working_days > 0 then (week_actual_value + coalesce(lag(
                week_actual_value) over (partition by quarter, node_id, metric
                order by week_start), 0)) / recent_working_days
            when working_days_to_date > 0 then actual_to_date_value / working_days_to_date
            else 0
        end as recent_daily_rate

    from weekly

),

final as (

    select
        -- keys
        quarter,
        week_start,
        week_number,
        node_id,
        metric,

        -- node
        parent_node_id,
        dimension,
        level,
        node_name,
        measure_kind,

        -- week
        reported_through,
        is_as_of_week,
        is_complete_week,
        cast(remaining_working_days as {{ dbt.type_int() }}) as remaining_working_days,
        cast(target_value as {{ value_type }}) as quarter_target,
        cast(week_target_value as {{ value_type }}) as week_target,
        cast(week_actual_value as {{ value_type }}) as week_actual,
        case when week_actual_value / nullif(week_target_value, 0) < 0 then 0.0
            else week_actual_value / nullif(week_target_value, 0)
        end as week_completion,

        -- to date
        cast(target_to_date_value as {{ value_type }}) as target_to_date,
        cast(actual_to_date_value as {{ value_type }}) as actual_to_date,
        case when actual_to_date_value / nullif(target_to_date_value, 0) < 0 then 0.0
            else actual_to_date_value / nullif(target_to_date_value, 0)
        end as completion_to_date,

        -- outlook
        cast(
            case
                when measure_kind = 'level_rate' then actual_to_date_value
                else actual_to_date_value + recent_daily_rate * remaining_working_days
            end as {{ value_type }}
        ) as projected_quarter_end,
        cast(
            case
                when measure_kind = 'level_rate' or target_value is null then null
                when remaining_working_days = 0 then null
                when target_value <= actual_to_date_value then 0
                else (target_value - actual_to_date_value) / remaining_working_days
            end as {{ value_type }}
        ) as required_daily_run_rate

    from paced

),

-- what the warning flags judge (fct_warnings, the report, `status`): rates, reps and
-- responsibility slices on their completion to date (reps and slices once the minimum volume
-- is due), other nodes on the week's completion unless they are on pace to date; a week
-- still in progress waits until it is complete
judged as (

    select
        final.*,
        case
            when quarter_target is null or quarter_target <= 0 then null
            when not is_complete_week then null
            when week_target is null or week_target <= 0 then null
            when metric = 'rate' then
                case when completion_to_date is not null then 'to_date' end
            when dimension = 'responsibility' or (dimension = 'team' and level = 3) then
                case when completion_to_date is not null and (metric <> 'revenue'
                    or target_to_date >= {{ var('rep_warning_minimum_to_date') }})
                    then 'to_date' end
            when completion_to_date >= 1 then 'to_date'
            -- behind to date: whichever is further behind, the week or the quarter so far
            when completion_to_date < week_completion then 'to_date'
            when week_completion is not null then 'week'
        end as judged_on

    from final

)

select
    judged.*,
    case judged_on
        when 'to_date' then completion_to_date
        when 'week' then week_completion
    end as judged_completion

from judged
