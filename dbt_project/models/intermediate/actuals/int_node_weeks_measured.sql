{#-
    Every node and metric int_progress_nodes_listed lists, in every reported week of its run
    quarter, with its target and actual in the week and to date (fct_progress_weekly paces,
    projects and judges them):
    - sums (revenue, units, customers) and accumulating rates (repurchase, churn recall,
      inventory reduction: they only grow over the quarter): week_target_value = target x
      the week's share of the quarter's phased working days (to the as-of date in the as-of
      week), target_to_date_value likewise from the quarter's first day; actual_to_date_value
      is the sum of the weeks so far (for an accumulating rate: the rate so far), and
      week_actual_value what the week added to it;
    - level rates (lead conversion, AOV lift, 30-day sell-through) are not phased: both
      targets are the quarter's target and the week's value is the rate so far;
    - a rate that needs a table the source mapping leaves out, or has nothing to divide by
      yet (0 / 0: no churned customer to recall, no lead created), has no actual and says
      why in not_measured_reason (macros/actuals/not_measured.sql).
-#}
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
        end as available_value,
        -- the same amount as an exact decimal: a double keeps ~16 digits, and a revenue to
        -- date past 1,000,000,000.00 lost its sixth decimal (children no longer summed to
        -- their parent at 3M order lines a quarter)
        case when nodes.metric <> 'rate' then coalesce(amounts.amount, 0) end as available_amount,
        case when nodes.metric = 'rate' then coalesce(
            {{ not_measured_reason('nodes.node_id') }},
            case when rates.rate is null then {{ no_base_reason('nodes.node_id') }} end
        ) end as not_measured_reason

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
        node_weeks.not_measured_reason,
        case
            when not_measured_reason is not null then null
            when measure_kind = 'sum' then sum(available_value) over (
                partition by quarter, node_id, metric order by week_start
                rows between unbounded preceding and current row)
            else available_value
        end as actual_to_date_value,
        case
            when not_measured_reason is null and measure_kind = 'sum' then sum(available_amount) over (
                partition by quarter, node_id, metric order by week_start
                rows between unbounded preceding and current row)
        end as actual_to_date_amount

    from node_weeks

),

final as (

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
        to_date.working_days_to_date,
        to_date.recent_working_days,
        to_date.remaining_working_days,
        to_date.actual_to_date_value,
        case
            when measure_kind = 'level_rate' then actual_to_date_value
            else actual_to_date_value - coalesce(lag(actual_to_date_value) over (
                partition by quarter, node_id, metric order by week_start), 0)
        end as week_actual_value,
        -- exact sums of amounts (null for rates and unmeasured nodes): what is published
        to_date.actual_to_date_amount,
        to_date.actual_to_date_amount - coalesce(lag(to_date.actual_to_date_amount) over (
            partition by quarter, node_id, metric order by week_start), 0)
            as week_actual_amount,
        case
            when measure_kind = 'level_rate' then target_value
            else target_value * week_phase_fraction
        end as week_target_value,
        case
            when measure_kind = 'level_rate' then target_value
            else target_value * phase_fraction_to_date
        end as target_to_date_value,
        to_date.not_measured_reason

    from to_date

)

select * from final
