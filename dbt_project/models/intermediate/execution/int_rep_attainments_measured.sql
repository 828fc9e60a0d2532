{#-
    Each rep's revenue target, revenue and attainment in every run quarter AND in the quarter
    before it (period = current / previous), so promotion (consecutive quarters) can be judged
    even when the run window starts at this quarter:
    - target: the sum of the rep's team nodes in fct_target_tree (a quarter-keyed mart that
      keeps quarters built by earlier runs; the previous quarter has no target when it was
      never built);
    - revenue: completed order lines credited to the rep (any group), the current quarter as
      of its as-of date, the previous quarter with each order's status at its close (the
      same numbers its own closed run published);
    - attainment = revenue / target; reaches(x) is decided on exact decimals:
      revenue >= target x x, so 120% is 120% and 119.99% is not.
-#}
with

quarters as (

    select
        quarter,
        quarter_start_date,
        previous_quarter_start_date,
        previous_quarter_end_date

    from {{ ref('int_plan_quarters_resolved') }}

),

rep_targets as (

    select
        quarter_start_date,
        {{ dbt.split_part('node_id', "'/'", 4) }} as rep_id,
        sum(target_value) as target_value

    from {{ ref('fct_target_tree') }}
    where dimension = 'team'
        and level = 3
        and metric = 'revenue'
    group by quarter_start_date, {{ dbt.split_part('node_id', "'/'", 4) }}

),

current_revenue as (

    select
        quarter,
        rep_id,
        sum(net_amount) as revenue

    from {{ ref('int_order_lines_classified') }}
    where rep_id is not null
    group by quarter, rep_id

),

previous_orders as (

    select
        statuses.quarter,
        statuses.order_id,
        statuses.rep_id

    from {{ ref('int_order_statuses_resolved') }} as statuses
    inner join quarters
        on quarters.quarter = statuses.quarter
    where not statuses.is_in_quarter
        and statuses.is_completed
        and statuses.rep_id is not null
        and statuses.order_date >= quarters.previous_quarter_start_date

),

previous_revenue as (

    select
        previous_orders.quarter,
        previous_orders.rep_id,
        sum(order_lines.net_amount) as revenue

    from previous_orders
    inner join {{ ref('stg_orders__order_lines') }} as order_lines
        on order_lines.order_id = previous_orders.order_id
    group by previous_orders.quarter, previous_orders.rep_id

),

periods as (

    select
        quarter,
        'current' as period,
        quarter_start_date as period_start_date

    from quarters

    union all

    select
        quarter,
        'previous' as period,
        previous_quarter_start_date as period_start_date

    from quarters

),

revenue as (

    select quarter, 'current' as period, rep_id, revenue from current_revenue
    union all
    select quarter, 'previous' as period, rep_id, revenue from previous_revenue

),

reps_of_period as (

    select
        periods.quarter,
        periods.period,
        rep_targets.rep_id

    from periods
    inner join rep_targets
        on rep_targets.quarter_start_date = periods.period_start_date

    union

    select
        quarter,
        period,
        rep_id

    from revenue

),

final as (

    select
        reps_of_period.quarter,
        reps_of_period.period,
        reps_of_period.rep_id,
        rep_targets.target_value,
        coalesce(revenue.revenue, 0) as revenue,
        {{ dbt.safe_cast('coalesce(revenue.revenue, 0)', 'double') }}
            / nullif({{ dbt.safe_cast('rep_targets.target_value', 'double') }}, 0)
            as attainment

    from reps_of_period
    inner join periods
        on periods.quarter = reps_of_period.quarter
        and periods.period = reps_of_period.period
    left join rep_targets
        on rep_targets.quarter_start_date = periods.period_start_date
        and rep_targets.rep_id = reps_of_period.rep_id
    left join revenue
        on revenue.quarter = reps_of_period.quarter
        and revenue.period = reps_of_period.period
        and revenue.rep_id = reps_of_period.rep_id

)

select * from final
