{#- A table, not a view: its data tests and the models downstream each read it, and as a
    view every reader recomputed it from the raw version logs. -#}
{{ config(materialized="table") }}

{#-
    Actual revenue, units and new customers per run quarter x node x week, for every node an
    order line rolls up to: total; customer/<segment>; product/<tier>; the team tier, group
    and rep of the rep's one node of the quarter (team/unassigned without an assignment);
    and the responsibility owners (a group owner counts the lines of its rep nodes, a rep
    owner the lines they sold) of the slice's source segment, plus the slice itself as the sum
    of its owners. New customers count once, in the week of their first completed order of
    the quarter. Only weeks with activity have rows.
-#}
with

lines as (

    select
        quarter,
        week_start,
        customer_id,
        customer_segment,
        product_tier,
        rep_id,
        group_id,
        team_tier_node_id,
        team_group_node_id,
        team_rep_node_id,
        quantity,
        net_amount

    from {{ ref('int_order_lines_classified') }}

),

new_customers as (

    select
        quarter,
        {{ dbt.date_trunc('week', 'first_order_in_quarter') }} as week_start,
        count(*) as customers

    from {{ ref('int_customers_classified') }}
    where lifecycle = 'new'
        and first_order_in_quarter is not null
    group by quarter, {{ dbt.date_trunc('week', 'first_order_in_quarter') }}

),

owners as (

    select
        quarter,
        node_id,
        owner_node_id,
        source_node_id,
        owner_kind,
        {{ dbt.right('owner_node_id',
                     dbt.length('owner_node_id') ~ ' - ' ~ dbt.length('node_id') ~ ' - 1') }}
            as owner_id

    from {{ ref('int_plan_responsibilities_resolved') }}
    where owner_node_id is not null

),

line_nodes as (

    select quarter, week_start, 'total' as node_id, quantity, net_amount
    from lines

    union all

    select quarter, week_start, 'customer/' || customer_segment, quantity, net_amount
    from lines

    union all

    select quarter, week_start, 'product/' || product_tier, quantity, net_amount
    from lines

    union all

    select quarter, week_start, team_tier_node_id, quantity, net_amount
    from lines

    union all

    select quarter, week_start, team_group_node_id, quantity, net_amount
    from lines
    where team_group_node_id is not null

    union all

    select quarter, week_start, team_rep_node_id, quantity, net_amount
    from lines
    where team_rep_node_id is not null

),

owner_lines as (

    select
        owners.quarter,
        lines.week_start,
        owners.node_id,
        owners.owner_node_id,
        lines.quantity,
        lines.net_amount

    from owners
    inner join lines
        on lines.quarter = owners.quarter
        and (
            owners.source_node_id = 'customer/' || lines.customer_segment
            or owners.source_node_id = 'product/' || lines.product_tier
        )
        and (
            (owners.owner_kind = 'group' and lines.group_id = owners.owner_id)
            or (owners.owner_kind = 'rep' and lines.rep_id = owners.owner_id)
        )

),

all_nodes as (

    select quarter, week_start, node_id, quantity, net_amount
    from line_nodes

    union all

    select quarter, week_start, owner_node_id, quantity, net_amount
    from owner_lines

    union all

    select quarter, week_start, node_id, quantity, net_amount
    from owner_lines

),

summed as (

    select
        quarter,
        node_id,
        week_start,
        sum(net_amount) as revenue,
        sum(quantity) as units

    from all_nodes
    group by quarter, node_id, week_start

),

final as (

    select
        quarter,
        node_id,
        'revenue' as metric,
        {{ dbt.safe_cast('week_start', type_date()) }} as week_start,
        {{ dbt.safe_cast('revenue', dbt.type_numeric()) }} as amount
    from summed

    union all

    select
        quarter,
        node_id,
        'units' as metric,
        {{ dbt.safe_cast('week_start', type_date()) }} as week_start,
        {{ dbt.safe_cast('units', dbt.type_numeric()) }} as amount
    from summed

    union all

    select
        quarter,
        'customer/new' as node_id,
        'customers' as metric,
        {{ dbt.safe_cast('week_start', type_date()) }} as week_start,
        {{ dbt.safe_cast('customers', dbt.type_numeric()) }} as amount
    from new_customers

)

select * from final
