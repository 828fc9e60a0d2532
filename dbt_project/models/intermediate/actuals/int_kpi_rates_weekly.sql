{# Longer than 250 lines: ten KPI rates, each a numerator and denominator over the same weekly grid. #}
{#- A table, not a view: its data tests and the models downstream each read it, and as a
    view every reader recomputed it from the raw version logs. -#}
{{ config(materialized="table") }}

{#-
    The KPI rates of the target tree, measured from each run quarter's first day to the end
    of every reported week (reported_through, never past the as-of date):
    - customer/existing/repurchase_rate: customers existing at the quarter's start who have
      ordered in it / customers existing at its start;
    - customer/existing/churn_recall_rate: recalled / churned at the quarter's start;
    - customer/existing/aov_lift: AOV of the existing segment's orders so far / its AOV last
      quarter (orders of customers who had ordered before that quarter, status at its close)
      - 1; AOV = revenue / orders;
    - customer/new/lead_conversion_rate: leads created in the quarter so far that have
      converted so far / leads created in the quarter so far;
    - product/new/sell_through_30d: for new-tier products launched in the quarter so far,
      units sold in their first 30 days (launch day + 29) / units received in those days;
    - product/long_tail/inventory_reduction: (long-tail stock at the quarter's start - stock
      at reported_through) / stock at the start; stock = units on hand of each product's
      latest snapshot on or before the day (the start: before the quarter's first day).
    numerator/denominator are kept so the rate can be checked; rate is null without a base.
-#}
with

quarters as (

    select
        quarter,
        quarter_start_date,
        previous_quarter_start_date,
        as_of_date

    from {{ ref('int_plan_quarters_resolved') }}

),

weeks as (

    select
        quarter,
        week_start,
        reported_through

    from {{ ref('int_quarter_weeks_phased') }}

),

customers as (

    select
        quarter,
        customer_id,
        lifecycle_at_start,
        first_order_in_quarter,
        was_returning_last_quarter

    from {{ ref('int_customers_classified') }}

),

lines as (

    select
        quarter,
        order_id,
        order_date,
        customer_segment,
        product_id,
        product_tier,
        launch_date,
        days_since_launch,
        quantity,
        net_amount

    from {{ ref('int_order_lines_classified') }}

),

leads as (

    select
        lead_id,
        {{ dbt.safe_cast('created_at', type_date()) }} as created_date,
        {{ dbt.safe_cast('converted_at', type_date()) }} as converted_date

    from {{ ref('stg_crm__leads') }}

),

products as (

    select
        product_id,
        tier,
        launch_date

    from {{ ref('stg_orders__products') }}

),

snapshots as (

    select
        product_id,
        snapshot_date,
        units_on_hand,
        units_received

    from {{ ref('stg_orders__inventory_snapshots') }}

),

-- last quarter's AOV of the existing segment, statuses at that quarter's close
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

last_quarter_aov as (

    select
        last_quarter_orders.quarter,
        sum(order_lines.net_amount) / nullif(count(distinct last_quarter_orders.order_id), 0)
            as average_order_value

    from last_quarter_orders
    inner join {{ ref('stg_orders__order_lines') }} as order_lines
        on order_lines.order_id = last_quarter_orders.order_id
    group by last_quarter_orders.quarter

),

-- dated contributions to a cumulative numerator / denominator; undated bases use the
-- quarter's first day so every week counts them
events as (

    select
        customers.quarter,
        'customer/existing/repurchase_rate' as node_id,
        quarters.quarter_start_date as event_date,
        0 as numerator,
        1 as denominator
    from customers
    inner join quarters on quarters.quarter = customers.quarter
    where customers.lifecycle_at_start = 'existing'

    union all

    select
        quarter,
        'customer/existing/repurchase_rate',
        first_order_in_quarter,
        1,
        0
    from customers
    where lifecycle_at_start = 'existing'
        and first_order_in_quarter is not null

    union all

    select
        customers.quarter,
        'customer/existing/churn_recall_rate',
        quarters.quarter_start_date,
        0,
        1
    from customers
    inner join quarters on quarters.quarter = customers.quarter
    where customers.lifecycle_at_start = 'churned'

    union all

    select
        quarter,
        'customer/existing/churn_recall_rate',
        first_order_in_quarter,
        1,
        0
    from customers
    where lifecycle_at_start = 'churned'
        and first_order_in_quarter is not null

    union all

    select
        quarters.quarter,
        'customer/new/lead_conversion_rate',
        leads.created_date,
        0,
        1
    from leads
    inner join quarters
        on leads.created_date >= quarters.quarter_start_date
        and leads.created_date <= quarters.as_of_date

    union all

    select
        quarters.quarter,
        'customer/new/lead_conversion_rate',
        leads.converted_date,
        1,
        0
    from leads
    inner join quarters
        on leads.created_date >= quarters.quarter_start_date
        and leads.created_date <= quarters.as_of_date
        and leads.converted_date <= quarters.as_of_date

    union all

    select
        quarter,
        'customer/existing/aov_lift',
        order_date,
        net_amount,
        0
    from lines
    where customer_segment = 'existing'

    union all

    select
        quarter,
        'customer/existing/aov_lift',
        min(order_date),
        0,
        1
    from lines
    where customer_segment = 'existing'
    group by quarter, order_id

    union all

    -- only products launched inside the line's own quarter
    select
        lines.quarter,
        'product/new/sell_through_30d',
        lines.order_date,
        lines.quantity,
        0
    from lines
    inner join quarters on quarters.quarter = lines.quarter
    where lines.product_tier = 'new'
        and lines.launch_date >= quarters.quarter_start_date
        and lines.days_since_launch between 0 and 29

    union all

    select
        quarters.quarter,
        'product/new/sell_through_30d',
        snapshots.snapshot_date,
        0,
        snapshots.units_received
    from products
    inner join quarters
        on products.launch_date >= quarters.quarter_start_date
        and products.launch_date <= quarters.as_of_date
    inner join snapshots
        on snapshots.product_id = products.product_id
        and snapshots.snapshot_date >= products.launch_date
        and snapshots.snapshot_date <= {{ dbt.dateadd('day', 29, 'products.launch_date') }}
    where products.tier = 'new'

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

long_tail_stock as (

    select
        quarters.quarter,
        snapshots.product_id,
        snapshots.snapshot_date,
        snapshots.units_on_hand

    from quarters
    inner join products
        on products.tier = 'long_tail'
    inner join snapshots
        on snapshots.product_id = products.product_id
        and snapshots.snapshot_date <= quarters.as_of_date
        and snapshots.snapshot_date
            >= {{ dbt.dateadd('day', -366, 'quarters.quarter_start_date') }}

),

stock_at_start as (

    select
        quarter,
        sum(units_on_hand) as units_on_hand

    from (
        select
            long_tail_stock.quarter,
            long_tail_stock.units_on_hand,
            row_number() over (
                partition by long_tail_stock.quarter, long_tail_stock.product_id
                order by long_tail_stock.snapshot_date desc
            ) as snapshot_rank
        from long_tail_stock
        inner join quarters
            on quarters.quarter = long_tail_stock.quarter
        where long_tail_stock.snapshot_date < quarters.quarter_start_date
    ) as latest
    where snapshot_rank = 1
    group by quarter

),

stock_at_week_end as (

    select
        quarter,
        week_start,
        sum(units_on_hand) as units_on_hand

    from (
        select
            weeks.quarter,
            weeks.week_start,
            long_tail_stock.units_on_hand,
            row_number() over (
                partition by weeks.quarter, weeks.week_start, long_tail_stock.product_id
                order by long_tail_stock.snapshot_date desc
            ) as snapshot_rank
        from weeks
        inner join long_tail_stock
            on long_tail_stock.quarter = weeks.quarter
            and long_tail_stock.snapshot_date <= weeks.reported_through
    ) as latest
    where snapshot_rank = 1
    group by quarter, week_start

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
                then cumulated.numerator / nullif(cumulated.denominator, 0)
                    / nullif(last_quarter_aov.average_order_value, 0) - 1
            else cumulated.numerator / nullif(cumulated.denominator, 0)
        end as rate

    from cumulated
    left join last_quarter_aov
        on last_quarter_aov.quarter = cumulated.quarter

    union all

    select
        stock_at_start.quarter,
        stock_at_week_end.week_start,
        'product/long_tail/inventory_reduction' as node_id,
        stock_at_start.units_on_hand - stock_at_week_end.units_on_hand as numerator,
        stock_at_start.units_on_hand as denominator,
        (stock_at_start.units_on_hand - stock_at_week_end.units_on_hand)
            / nullif(stock_at_start.units_on_hand, 0) as rate

    from stock_at_start
    inner join stock_at_week_end
        on stock_at_week_end.quarter = stock_at_start.quarter

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
