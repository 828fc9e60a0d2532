{#- A table, not a view: its data tests and the models downstream each read it, and as a
    view every reader recomputed it from the raw version logs. -#}
{{ config(materialized="table") }}

{#-
    The completed order lines of each run quarter, dated from its first day to its as-of
    date, classified along the three dimensions:
    - customer: the customer's lifecycle and segment in the quarter (int_customers_classified);
    - product: tier from the product master and days since launch;
    - team: the rep's group and region valid ON THE ORDER DATE. A rep who moves mid-quarter
      keeps their target on the group of the quarter's first day (int_team_reps_weighted),
      but each order is credited where the rep sold it, so a tier's or group's actuals are
      exactly the sum of its children. Orders of a rep with no assignment on that day go to
      team/unassigned, so the team tiers still add up to the total.
-#}
with

quarters as (

    select
        quarter,
        as_of_date

    from {{ ref('int_plan_quarters_resolved') }}

),

orders as (

    select
        quarter,
        order_id,
        customer_id,
        rep_id,
        order_date

    from {{ ref('int_order_statuses_resolved') }}
    where is_in_quarter
        and is_completed

),

order_lines as (

    select
        order_line_id,
        order_id,
        product_id,
        quantity,
        net_amount

    from {{ ref('stg_orders__order_lines') }}

),

customers as (

    select
        quarter,
        customer_id,
        lifecycle,
        customer_segment

    from {{ ref('int_customers_classified') }}

),

products as (

    select
        product_id,
        tier,
        launch_date

    from {{ ref('stg_orders__products') }}

),

reps as (

    select
        rep_id,
        coalesce(rep_name, rep_id) as rep_name,
        role

    from {{ ref('stg_crm__reps') }}

),

-- the org as of the order date
order_date_groups as (

    select
        orders.quarter,
        orders.order_id,
        org.group_id,
        org.group_kind,
        org.region_tier

    from orders
    inner join {{ ref('int_rep_assignments_resolved') }} as org
        on org.rep_id = orders.rep_id
        and org.valid_from <= orders.order_date
        and (org.valid_until is null or org.valid_until > orders.order_date)

),

final as (

    select
        -- keys
        orders.quarter,
        order_lines.order_line_id,
        orders.order_id,
        orders.order_date,
        {{ dbt.date_trunc('week', 'orders.order_date') }} as week_start,

        -- customer dimension
        orders.customer_id,
        coalesce(customers.lifecycle, 'new') as customer_lifecycle,
        coalesce(customers.customer_segment, 'new') as customer_segment,

        -- product dimension
        order_lines.product_id,
        coalesce(products.tier, 'unclassified') as product_tier,
        products.launch_date,
        {{ dbt.datediff('products.launch_date', 'orders.order_date', 'day') }}
            as days_since_launch,

        -- team dimension, valid on the order date
        orders.rep_id,
        reps.rep_name,
        reps.role as rep_role,
        order_date_groups.group_id,
        order_date_groups.group_kind,
        order_date_groups.region_tier,
        case
            when order_date_groups.region_tier is null then 'team/unassigned'
            else 'team/' || order_date_groups.region_tier
        end as team_tier_node_id,
        case
            when order_date_groups.region_tier is not null
                then 'team/' || order_date_groups.region_tier || '/' || order_date_groups.group_id
        end as team_group_node_id,
        case
            when order_date_groups.region_tier is not null
                then 'team/' || order_date_groups.region_tier || '/' || order_date_groups.group_id
                    || '/' || orders.rep_id
        end as team_rep_node_id,

        -- measures
        order_lines.quantity,
        order_lines.net_amount

    from orders
    inner join order_lines
        on order_lines.order_id = orders.order_id
    left join customers
        on customers.quarter = orders.quarter
        and customers.customer_id = orders.customer_id
    left join products
        on products.product_id = order_lines.product_id
    left join reps
        on reps.rep_id = orders.rep_id
    left join order_date_groups
        on order_date_groups.quarter = orders.quarter
        and order_date_groups.order_id = orders.order_id

)

select * from final
