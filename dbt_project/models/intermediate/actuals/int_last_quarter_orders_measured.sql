{#- A table, not a view: the AOV lift KPI (int_kpi_rates_weekly) and the actions measured
    on it (int_action_outcomes_counted) both read it, and each summed every order line of
    the history to find last quarter's. -#}
{{ config(materialized="table") }}

{#-
    Per run quarter, the existing segment's completed orders last quarter and their revenue:
    orders dated in the previous quarter, with their status at its close, of customers who
    had ordered before that quarter (int_customers_classified.was_returning_last_quarter).
    The base of the AOV lift: AOV = revenue / orders. No row for a quarter without such
    orders.
-#}
with

quarters as (

    select
        quarter,
        previous_quarter_start_date

    from {{ ref('int_plan_quarters_resolved') }}

),

customers as (

    select
        quarter,
        customer_id,
        was_returning_last_quarter

    from {{ ref('int_customers_classified') }}

),

last_quarter_orders as (

    select
        statuses.quarter,
        statuses.order_id

    from {{ ref('int_order_statuses_resolved') }} as statuses
    inner join quarters
        on quarters.quarter = statuses.quarter
    inner join customers
        on customers.quarter = statuses.quarter
        and customers.customer_id = statuses.customer_id
    where statuses.is_completed
        and not statuses.is_in_quarter
        and statuses.order_date >= quarters.previous_quarter_start_date
        and customers.was_returning_last_quarter

),

final as (

    select
        last_quarter_orders.quarter,
        count(distinct last_quarter_orders.order_id) as orders,
        sum(order_lines.net_amount) as net_amount

    from last_quarter_orders
    inner join {{ ref('stg_orders__order_lines') }} as order_lines
        on order_lines.order_id = last_quarter_orders.order_id
    group by last_quarter_orders.quarter

)

select * from final
