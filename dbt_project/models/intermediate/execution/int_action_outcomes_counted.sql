{#-
    What each action of a run quarter achieved inside its window (int_action_windows_dated),
    counted for its KPI (int_actions_measured turns the counts into the KPI):
    - leads (kpi leads, new_customers): leads of the action's lead source created in the
      window, and the distinct customers won from them (converted by the as-of date);
    - customers (kpi repurchase_rate, churn_recall_rate): customers existing / churned at
      the quarter's start, and those of them who ordered in the window;
    - orders (kpi aov_lift): the existing segment's orders in the window and their revenue,
      and the same last quarter (its orders with their status at its close).
    One row per quarter x action; the window's counts its KPI does not use are null.
-#}
with

actions as (

    select
        quarter,
        action_id,
        kpi,
        lead_source,
        start_date,
        as_of_date,
        measured_until

    from {{ ref('int_action_windows_dated') }}

),

leads as (

    select
        lead_id,
        source,
        customer_id,
        {{ dbt.safe_cast('created_at', type_date()) }} as created_date,
        {{ dbt.safe_cast('converted_at', type_date()) }} as converted_date

    from {{ ref('stg_crm__leads') }}

),

lead_outcomes as (

    select
        actions.quarter,
        actions.action_id,
        count(leads.lead_id) as leads_created,
        count(
            distinct case
                when leads.converted_date <= actions.as_of_date then leads.customer_id
            end
        ) as customers_won

    from actions
    inner join leads
        on leads.source = actions.lead_source
        and leads.created_date >= actions.start_date
        and leads.created_date <= actions.measured_until
    where actions.kpi in ('leads', 'new_customers')
    group by actions.quarter, actions.action_id

),

customers as (

    select
        quarter,
        customer_id,
        lifecycle_at_start,
        customer_segment,
        was_returning_last_quarter

    from {{ ref('int_customers_classified') }}

),

completed_orders as (

    select
        quarter,
        order_id,
        customer_id,
        order_date,
        is_in_quarter

    from {{ ref('int_order_statuses_resolved') }}
    where is_completed

),

-- the quarter's completed order lines, classified: their customer's segment included
quarter_lines as (

    select
        quarter,
        order_id,
        order_date,
        customer_segment,
        net_amount

    from {{ ref('int_order_lines_classified') }}

),

-- customers existing or churned at each quarter's start: the same for every action
customers_at_start as (

    select
        quarter,
        count(distinct case when lifecycle_at_start = 'existing' then customer_id end)
            as existing_at_start,
        count(distinct case when lifecycle_at_start = 'churned' then customer_id end)
            as churned_at_start

    from customers
    group by quarter

),

-- of those, the ones with a completed order of the quarter in the action's window (from
-- the window's orders, not every customer joined to every action)
customers_ordered as (

    select
        actions.quarter,
        actions.action_id,
        count(
            distinct case when customers.lifecycle_at_start = 'existing' then customers.customer_id end
        ) as existing_ordered,
        count(
            distinct case when customers.lifecycle_at_start = 'churned' then customers.customer_id end
        ) as churned_ordered

    from actions
    inner join completed_orders
        on completed_orders.quarter = actions.quarter
        and completed_orders.is_in_quarter
        and completed_orders.order_date >= actions.start_date
        and completed_orders.order_date <= actions.measured_until
    inner join customers
        on customers.quarter = completed_orders.quarter
        and customers.customer_id = completed_orders.customer_id
    where actions.kpi in ('repurchase_rate', 'churn_recall_rate')
        and customers.lifecycle_at_start in ('existing', 'churned')
    group by actions.quarter, actions.action_id

),

customer_outcomes as (

    select
        actions.quarter,
        actions.action_id,
        customers_at_start.existing_at_start,
        customers_at_start.churned_at_start,
        coalesce(customers_ordered.existing_ordered, 0) as existing_ordered,
        coalesce(customers_ordered.churned_ordered, 0) as churned_ordered

    from actions
    inner join customers_at_start
        on customers_at_start.quarter = actions.quarter
    left join customers_ordered
        on customers_ordered.quarter = actions.quarter
        and customers_ordered.action_id = actions.action_id
    where actions.kpi in ('repurchase_rate', 'churn_recall_rate')

),

-- the existing segment's completed orders in the window, from the quarter's order lines
-- (summing every order's lines over the whole history took most of this model's time)
window_existing_orders as (

    select
        actions.quarter,
        actions.action_id,
        count(distinct quarter_lines.order_id) as orders,
        sum(quarter_lines.net_amount) as net_amount

    from actions
    inner join quarter_lines
        on quarter_lines.quarter = actions.quarter
        and quarter_lines.customer_segment = 'existing'
        and quarter_lines.order_date >= actions.start_date
        and quarter_lines.order_date <= actions.measured_until
    where actions.kpi = 'aov_lift'
    group by actions.quarter, actions.action_id

),

-- the existing segment's orders last quarter (the base of the quarter's aov_lift KPI too)
last_quarter_existing_orders as (

    select
        quarter,
        orders,
        net_amount

    from {{ ref('int_last_quarter_orders_measured') }}

),

final as (

    select
        actions.quarter,
        actions.action_id,
        lead_outcomes.leads_created,
        lead_outcomes.customers_won,
        customer_outcomes.existing_at_start,
        customer_outcomes.churned_at_start,
        customer_outcomes.existing_ordered,
        customer_outcomes.churned_ordered,
        window_existing_orders.orders as window_orders,
        window_existing_orders.net_amount as window_net_amount,
        last_quarter_existing_orders.orders as last_quarter_orders,
        last_quarter_existing_orders.net_amount as last_quarter_net_amount

    from actions
    left join lead_outcomes
        on lead_outcomes.quarter = actions.quarter
        and lead_outcomes.action_id = actions.action_id
    left join customer_outcomes
        on customer_outcomes.quarter = actions.quarter
        and customer_outcomes.action_id = actions.action_id
    left join window_existing_orders
        on window_existing_orders.quarter = actions.quarter
        and window_existing_orders.action_id = actions.action_id
    left join last_quarter_existing_orders
        on last_quarter_existing_orders.quarter = actions.quarter

)

select * from final
