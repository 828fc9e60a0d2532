{#- A table, not a view: its data tests and the models downstream each read it, and as a
    view every reader recomputed it from the raw version logs. -#}
{{ config(materialized="table") }}

{#-
    Last quarter's actuals that growth targets build on, per quarter of the run: revenue
    (net amount of completed order lines) and core-product units, with order dates in the
    previous quarter and each order's status as it stood when that quarter closed, so a
    refund recorded later never moves a target that was already set.
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

orders as (

    select
        order_id,
        order_date

    from {{ ref('stg_orders__orders') }}

),

status_versions as (

    select
        order_id,
        is_completed,
        updated_at

    from {{ ref('int_order_status_versions_reconstructed') }}

),

order_lines as (

    select
        order_id,
        product_id,
        quantity,
        net_amount

    from {{ ref('stg_orders__order_lines') }}

),

products as (

    select
        product_id,
        tier

    from {{ ref('stg_orders__products') }}

),

orders_of_previous_quarter as (

    select
        quarters.quarter,
        quarters.quarter_start_date,
        orders.order_id

    from quarters
    inner join orders
        on orders.order_date >= quarters.previous_quarter_start_date
        and orders.order_date <= quarters.previous_quarter_end_date

),

-- the version in effect when the previous quarter closed; an order first seen after
-- the close (no earlier version was ever loaded) counts with its earliest known status
status_at_close as (

    select
        orders_of_previous_quarter.quarter,
        orders_of_previous_quarter.order_id,
        status_versions.is_completed,
        row_number() over (
            partition by orders_of_previous_quarter.quarter, orders_of_previous_quarter.order_id
            order by
                case
                    when status_versions.updated_at
                        < {{ dbt.safe_cast('orders_of_previous_quarter.quarter_start_date',
                                           dbt.type_timestamp()) }}
                        then 0
                    else 1
                end,
                case
                    when status_versions.updated_at
                        < {{ dbt.safe_cast('orders_of_previous_quarter.quarter_start_date',
                                           dbt.type_timestamp()) }}
                        then status_versions.updated_at
                end desc,
                status_versions.updated_at
        ) as version_rank

    from orders_of_previous_quarter
    inner join status_versions
        on status_versions.order_id = orders_of_previous_quarter.order_id

),

completed_orders as (

    select
        quarter,
        order_id

    from status_at_close
    where version_rank = 1
        and is_completed

),

measured as (

    select
        completed_orders.quarter,
        count(distinct completed_orders.order_id) as completed_order_count,
        sum(order_lines.net_amount) as measured_revenue,
        sum(case when products.tier = 'core' then order_lines.quantity else 0 end)
            as measured_core_units

    from completed_orders
    inner join order_lines
        on order_lines.order_id = completed_orders.order_id
    left join products
        on products.product_id = order_lines.product_id
    group by completed_orders.quarter

),

final as (

    select
        quarters.quarter,
        coalesce(measured.completed_order_count, 0) as completed_order_count,
        measured.measured_revenue,
        measured.measured_core_units

    from quarters
    left join measured
        on measured.quarter = quarters.quarter

)

select * from final
