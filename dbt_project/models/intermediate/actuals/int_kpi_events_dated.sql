{#-
    The dated events behind the KPI rates of the target tree (int_kpi_rates_weekly sums them
    up to the end of every reported week): each row adds to a KPI's numerator or its
    denominator on its event_date, per run quarter. Bases known at the quarter's start carry
    its first day, so every week counts them.
    - customer/existing/repurchase_rate: customers existing at the quarter's start (base),
      who have ordered in it (on their first order);
    - customer/existing/churn_recall_rate: churned at the quarter's start (base), recalled
      (on their first order);
    - customer/existing/aov_lift: the existing segment's revenue and orders so far;
    - customer/new/lead_conversion_rate: leads created in the quarter so far (base), those
      converted so far (on conversion);
    - product/new/sell_through_30d: for new-tier products launched in the quarter so far,
      units received in their first 30 days (launch day + 29; base, on the snapshot) and
      units sold in those days (on the order).
-#}
with

quarters as (

    select
        quarter,
        quarter_start_date,
        as_of_date

    from {{ ref('int_plan_quarters_resolved') }}

),

customers as (

    select
        quarter,
        customer_id,
        lifecycle_at_start,
        first_order_in_quarter

    from {{ ref('int_customers_classified') }}

),

lines as (

    select
        quarter,
        order_id,
        order_date,
        customer_segment,
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
        units_received

    from {{ ref('stg_orders__inventory_snapshots') }}

),

final as (

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

)

select * from final
