{#-
    Progress control: one row per quarter x reported week x node x metric,
    for every node and metric int_progress_nodes_listed lists (the target tree's plus the
    nodes that only have actuals), so children's actuals always sum to their parent's.

    Targets and actuals in the week and to date come from int_node_weeks_measured (phased
    for sums and accumulating rates, not for level rates). From them:
    - completions = actual / target (null without a target; a negative rate counts as 0%);
    - projected_quarter_end = actual_to_date + recent daily rate x working days left, the
      recent daily rate being the actual of this and the previous week / their working days
      so far (quarter to date when those have none); a level rate's is the rate so far;
    - required_daily_run_rate = what is left of the target / working days left (0 when met,
      null when no working day is left; none for a level rate).

    What a flag judges (judged_on, judged_completion; docs/plan.md "When a node is flagged"):
    - a week still in progress is not judged: the flag waits for the complete week;
    - rates: completion to date;
    - reps and responsibility slices: completion to date, revenue only once the target due
      to date reaches var rep_warning_minimum_to_date (one slow week of a small rep is noise);
    - other nodes: the lower of the week's completion and the completion to date, unless
      completion to date is at least 100% (a node on pace is never flagged for one weak
      week, and a node behind is not cleared by one good week);
    - no target, or none due in the week (no working day): not judged;
    - a rate the source mapping cannot measure (not_measured_reason) has no actual and is
      not judged.
-#}
{%- set value_type = api.Column.numeric_type("numeric", 22, 6) -%}
{#- every column `measured` computes, in the published order -#}
{%- set measured_columns = [
    "quarter", "week_start", "week_number", "node_id", "metric",
    "parent_node_id", "dimension", "level", "node_name", "measure_kind",
    "reported_through", "is_as_of_week", "is_complete_week", "remaining_working_days",
    "quarter_target", "week_target", "week_actual", "week_completion",
    "target_to_date", "actual_to_date", "completion_to_date",
    "projected_quarter_end", "required_daily_run_rate", "not_measured_reason",
] -%}
with

paced as (

    select
        quarter,
        week_start,
        week_number,
        reported_through,
        is_as_of_week,
        is_complete_week,
        node_id,
        parent_node_id,
        dimension,
        level,
        node_name,
        metric,
        measure_kind,
        target_value,
        working_days_to_date,
        recent_working_days,
        remaining_working_days,
        actual_to_date_value,
        week_actual_value,
        actual_to_date_amount,
        week_actual_amount,
        week_target_value,
        target_to_date_value,
        not_measured_reason,
        -- this and the previous week's actual over their working days so far
        case
            when recent_working_days > 0 then {{ divide(
                "(week_actual_value + coalesce(lag(
                week_actual_value) over (partition by quarter, node_id, metric
                order by week_start), 0))", "recent_working_days") }}
            when working_days_to_date > 0
                then {{ divide("actual_to_date_value", "working_days_to_date") }}
            else 0
        end as recent_daily_rate

    from {{ ref('int_node_weeks_measured') }}

),

measured as (

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
        -- each side cast on its own: coalesce(decimal, double) is a double
        coalesce(
            cast(week_actual_amount as {{ value_type }}),
            cast(week_actual_value as {{ value_type }})
        ) as week_actual,
        case when {{ divide("week_actual_value", "nullif(week_target_value, 0)") }} < 0 then 0.0
            else {{ divide("week_actual_value", "nullif(week_target_value, 0)") }}
        end as week_completion,

        -- to date
        cast(target_to_date_value as {{ value_type }}) as target_to_date,
        coalesce(
            cast(actual_to_date_amount as {{ value_type }}),
            cast(actual_to_date_value as {{ value_type }})
        ) as actual_to_date,
        case when {{ divide("actual_to_date_value", "nullif(target_to_date_value, 0)") }} < 0 then 0.0
            else {{ divide("actual_to_date_value", "nullif(target_to_date_value, 0)") }}
        end as completion_to_date,

        -- outlook
        -- DOUBLEs (the daily rates are quotients) stored as {{ value_type }}
        {{ cast_double_to_decimal("
            case
                when measure_kind = 'level_rate' then actual_to_date_value
                else actual_to_date_value + recent_daily_rate * remaining_working_days
            end", 22, 6) }} as projected_quarter_end,
        {{ cast_double_to_decimal("
            case
                when measure_kind = 'level_rate' or target_value is null then null
                when remaining_working_days = 0 then null
                when target_value <= actual_to_date_value then 0
                else " ~ divide("(target_value - actual_to_date_value)", "remaining_working_days") ~ "
            end", 22, 6) }} as required_daily_run_rate,
        not_measured_reason

    from paced

),

-- what the warning flags judge (fct_warnings, the report, `status`): rates, reps and
-- responsibility slices on their completion to date (reps and slices once the minimum volume
-- is due), other nodes on the week's completion unless they are on pace to date; a week
-- still in progress waits until it is complete
judged as (

    select
        {%- for column in measured_columns %}
        {{ column }},
        {%- endfor %}
        case
            when not_measured_reason is not null then null
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

    from measured

),

final as (

    select
        {%- for column in measured_columns if column != "not_measured_reason" %}
        {{ column }},
        {%- endfor %}
        judged_on,
        case judged_on
            when 'to_date' then completion_to_date
            when 'week' then week_completion
        end as judged_completion,
        -- last: an existing incremental table gains it at its end
        not_measured_reason

    from judged

)

select * from final
