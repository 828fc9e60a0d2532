{#- A table, not a view: its data tests and the models downstream each read it, and as a
    view every reader recomputed it from the raw version logs. -#}
{{ config(materialized="table") }}

{#-
    The completed order lines of each run quarter, dated from its first day to its as-of
    date, classified along the three dimensions:
    - customer: the customer's lifecycle and segment in the quarter (int_customers_classified);
    - product: tier from the product master and days since launch;
    - team: the rep's ONE node of the quarter: the group the rep is in on the quarter's first
      day (where int_team_reps_weighted puts their target), else, for a rep who joins later,
      the first group they join in the quarter. A rep who moves mid-quarter keeps that node
      and its whole quarter's credit, so a rep node holds all of the rep's sales and every
      group and tier is exactly the sum of its rep nodes. Orders of a rep with no assignment
      in the quarter go to team/unassigned, so the team tiers still add up to the total.
-#}
with

quarters as (

    select
        quarter,
        quarter_start_date,
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

-- each rep's one node of the quarter: of the org's spans that overlap the quarter up to its
-- as-of date, the earliest (spans never overlap, so it is the one holding the first day if
-- any does)
quarter_rep_groups as (

    select
        quarters.quarter,
        org.rep_id,
        org.group_id,
        org.group_kind,
        org.region_tier,
        row_number() over (
            partition by quarters.quarter, org.rep_id
            order by org.valid_from
        ) as span_rank

    from quarters
    inner join {{ ref('int_rep_assignments_resolved') }} as org
        on org.valid_from <= quarters.as_of_date
        and (org.valid_until is null or org.valid_until > quarters.quarter_start_date)

),

rep_quarter_nodes as (

    select
        orders.quarter,
        orders.order_id,
        quarter_rep_groups.group_id,
        quarter_rep_groups.group_kind,
        quarter_rep_groups.region_tier

    from orders
    inner join quarter_rep_groups
        on quarter_rep_groups.quarter = orders.quarter
        and quarter_rep_groups.rep_id = orders.rep_id
        and quarter_rep_groups.span_rank = 1

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

        -- team dimension: the rep's node of the quarter
        orders.rep_id,
        reps.rep_name,
        reps.role as rep_role,
        rep_quarter_nodes.group_id,
        rep_quarter_nodes.group_kind,
        rep_quarter_nodes.region_tier,
        case
            when rep_quarter_nodes.region_tier is null then 'team/unassigned'
            else 'team/' || rep_quarter_nodes.region_tier
        end as team_tier_node_id,
        case
            when rep_quarter_nodes.region_tier is not null
                then 'team/' || rep_quarter_nodes.region_tier || '/' || rep_quarter_nodes.group_id
        end as team_group_node_id,
        case
            when rep_quarter_nodes.region_tier is not null
                then 'team/' || rep_quarter_nodes.region_tier || '/' || rep_quarter_nodes.group_id
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
    left join rep_quarter_nodes
        on rep_quarter_nodes.quarter = orders.quarter
        and rep_quarter_nodes.order_id = orders.order_id

)

select * from final
