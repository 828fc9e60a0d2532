{#- A table, not a view: its data tests and the models downstream each read it, and as a
    view every reader recomputed it from the raw version logs. -#}
{{ config(materialized="table") }}

{#-
    The KPI rates of the target tree, measured from each run quarter's first day to the end
    of every reported week (reported_through, never past the as-of date):
    - the rates of int_kpi_events_dated (repurchase, churn recall, AOV lift, lead
      conversion, 30-day sell-through): its events dated up to reported_through, summed,
      numerator / denominator; customer/existing/aov_lift = AOV so far / the existing
      segment's AOV last quarter (orders of customers who had ordered before that quarter,
      status at its close) - 1, AOV = revenue / orders;
    - product/long_tail/inventory_reduction: (stock at the quarter's start - stock at
      reported_through) / stock at the start (int_long_tail_stocks_measured).
    numerator/denominator are kept so the rate can be checked; rate is null without a base.
-#}
with

weeks as (

    select
        quarter,
        week_start,
        reported_through

    from {{ ref('int_quarter_weeks_phased') }}

),

-- last quarter's AOV of the existing segment, statuses at that quarter's close
last_quarter_aov as (

    select
        quarter,
        {{ divide("net_amount", "nullif(orders, 0)") }} as average_order_value

    from {{ ref('int_last_quarter_orders_measured') }}

),

events as (

    select
        quarter,
        node_id,
        event_date,
        numerator,
        denominator

    from {{ ref('int_kpi_events_dated') }}

),

cumulated as (

    select
        weeks.quarter,
        weeks.week_start,
        events.node_id,
        sum(events.numerator) as numerator,
        sum(events.denominator) as denominator

    from weeks
    inner join events
        on events.quarter = weeks.quarter
        and events.event_date <= weeks.reported_through
    group by weeks.quarter, weeks.week_start, events.node_id

),

stocks as (

    select
        quarter,
        week_start,
        units_at_start,
        units_at_week_end

    from {{ ref('int_long_tail_stocks_measured') }}

),

rates as (

    select
        cumulated.quarter,
        cumulated.week_start,
        cumulated.node_id,
        cumulated.numerator,
        cumulated.denominator,
        case
            when cumulated.node_id = 'customer/existing/aov_lift'
                then {{ divide(divide("cumulated.numerator", "nullif(cumulated.denominator, 0)"),
                    "nullif(last_quarter_aov.average_order_value, 0)") }} - 1
            else {{ divide("cumulated.numerator", "nullif(cumulated.denominator, 0)") }}
        end as rate

    from cumulated
    left join last_quarter_aov
        on last_quarter_aov.quarter = cumulated.quarter

    union all

    select
        quarter,
        week_start,
        'product/long_tail/inventory_reduction' as node_id,
        units_at_start - units_at_week_end as numerator,
        units_at_start as denominator,
        {{ divide("(units_at_start - units_at_week_end)", "nullif(units_at_start, 0)") }} as rate

    from stocks

),

final as (

    select
        quarter,
        node_id,
        week_start,
        {{ dbt.safe_cast('numerator', "double") }} as numerator,
        {{ dbt.safe_cast('denominator', "double") }} as denominator,
        {{ dbt.safe_cast('rate', "double") }} as rate

    from rates

)

select * from final
