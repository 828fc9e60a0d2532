{#-
    Commission lines of each run quarter, one per order line, credited to the order's rep:
    - sale: every completed order line of the quarter (as of its as-of date), at the rate of
      the commission set in effect for the quarter, by the line's customer type (the
      customer segment: new, or existing which includes recalled customers) and product tier;
    - clawback: a line of an order from an EARLIER quarter that was completed when this
      quarter started and is no longer completed at the as-of date (refunded, cancelled): its
      commission is taken back in this quarter, the quarter the refund arrived, as a negative
      line at the rate it earned (the set in effect in the order's quarter; customer type new
      when the order's quarter is the customer's first).
    A line of an unclassified product or a quarter before the first commission set earns 0.
    Commission per line is rounded to the cent.
-#}

with

quarters as (

    select
        quarter,
        quarter_start_date,
        as_of_date

    from {{ ref('int_plan_quarters_resolved') }}

),

commission_rates as (

    select
        from_quarter,
        customer_type,
        product_tier,
        rate

    from {{ ref('commission_rates') }}

),

products as (

    select
        product_id,
        tier

    from {{ ref('stg_orders__products') }}

),

order_lines as (

    select
        order_line_id,
        order_id,
        product_id,
        net_amount

    from {{ ref('stg_orders__order_lines') }}

),

sales as (

    select
        quarter,
        order_line_id,
        order_id,
        order_date,
        rep_id,
        quarter as rated_quarter,
        customer_segment as customer_type,
        product_tier,
        net_amount,
        order_date as event_date

    from {{ ref('int_order_lines_classified') }}

),

-- orders of earlier quarters as they stood when the quarter started
earlier_completed_orders as (

    select
        quarter,
        order_id,
        customer_id,
        rep_id,
        order_date

    from {{ ref('int_order_statuses_resolved') }}
    where not is_in_quarter
        and is_completed

),

first_completed_orders as (

    select
        quarter,
        customer_id,
        min(order_date) as first_order_date

    from earlier_completed_orders
    group by quarter, customer_id

),

status_at_as_of as (

    select
        quarters.quarter,
        status_changes.order_id,
        status_changes.is_completed,
        status_changes.updated_at,
        row_number() over (
            partition by quarters.quarter, status_changes.order_id
            order by status_changes.updated_at desc
        ) as version_rank

    from quarters
    inner join {{ ref('int_order_status_versions_reconstructed') }} as status_changes
        on status_changes.updated_at >= {{ dbt.safe_cast('quarters.quarter_start_date',
                                                         dbt.type_timestamp()) }}
        and status_changes.updated_at < {{ dbt.safe_cast(
            dbt.dateadd('day', 1, 'quarters.as_of_date'), dbt.type_timestamp()) }}

),

refunded_orders as (

    select
        earlier_completed_orders.quarter,
        earlier_completed_orders.order_id,
        earlier_completed_orders.customer_id,
        earlier_completed_orders.rep_id,
        earlier_completed_orders.order_date,
        {{ dbt.safe_cast('status_at_as_of.updated_at', type_date()) }} as refunded_date

    from earlier_completed_orders
    inner join status_at_as_of
        on status_at_as_of.quarter = earlier_completed_orders.quarter
        and status_at_as_of.order_id = earlier_completed_orders.order_id
        and status_at_as_of.version_rank = 1
    where not status_at_as_of.is_completed

),

clawbacks as (

    select
        refunded_orders.quarter,
        order_lines.order_line_id,
        refunded_orders.order_id,
        refunded_orders.order_date,
        refunded_orders.rep_id,
        {{ quarter_label_of('refunded_orders.order_date') }} as rated_quarter,
        case
            when {{ quarter_label_of('first_completed_orders.first_order_date') }}
                = {{ quarter_label_of('refunded_orders.order_date') }} then 'new'
            else 'existing'
        end as customer_type,
        coalesce(products.tier, 'unclassified') as product_tier,
        -order_lines.net_amount as net_amount,
        refunded_orders.refunded_date as event_date

    from refunded_orders
    inner join order_lines
        on order_lines.order_id = refunded_orders.order_id
    left join first_completed_orders
        on first_completed_orders.quarter = refunded_orders.quarter
        and first_completed_orders.customer_id = refunded_orders.customer_id
    left join products
        on products.product_id = order_lines.product_id

),

lines as (

    select 'sale' as line_kind, sales.* from sales
    union all
    select 'clawback' as line_kind, clawbacks.* from clawbacks

),

-- the commission set in effect for the quarter a line is rated in
rate_sets as (

    select
        lines.rated_quarter,
        max(commission_rates.from_quarter) as rate_from_quarter

    from (select distinct rated_quarter from lines) as lines
    inner join commission_rates
        on commission_rates.from_quarter <= lines.rated_quarter
    group by lines.rated_quarter

),

final as (

    select
        -- keys
        lines.quarter,
        lines.line_kind,
        lines.order_line_id,
        lines.order_id,
        lines.rep_id,

        -- what the rate depends on
        lines.rated_quarter,
        lines.customer_type,
        lines.product_tier,
        coalesce(commission_rates.rate, 0) as rate,

        -- money
        lines.net_amount,
        {{ dbt.safe_cast(
            'round(lines.net_amount * ' ~ dbt.safe_cast('coalesce(commission_rates.rate, 0)',
                                                       'numeric(12, 6)') ~ ', 2)',
            type_money()) }} as commission,

        -- dates
        lines.order_date,
        lines.event_date

    from lines
    left join rate_sets
        on rate_sets.rated_quarter = lines.rated_quarter
    left join commission_rates
        on commission_rates.from_quarter = rate_sets.rate_from_quarter
        and commission_rates.customer_type = lines.customer_type
        and commission_rates.product_tier = lines.product_tier

)

select * from final
