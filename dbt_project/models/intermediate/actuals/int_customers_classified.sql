{#- A table, not a view: its data tests and the models downstream each read it, and as a
    view every reader recomputed it from the raw version logs. -#}
{{ config(materialized="table") }}

{#-
    Customer lifecycle per run quarter, classified as of the quarter's first day, from
    completed orders:
    - new: no completed order before the quarter, a completed order in it (to the as-of date);
    - existing: last completed order before the quarter within the plan's churn window
      (churn_window_days before the quarter's first day);
    - churned: ordered before, but not within the window, and not (yet) in the quarter;
    - recalled: churned at the quarter's start and ordered in the quarter.
    lifecycle_at_start is the state on the first day (existing / churned; null for a customer
    without history). The customer dimension has two segments: new, and existing, which takes
    every returning customer (existing and recalled).
-#}
with

quarters as (

    select
        quarter,
        quarter_start_date,
        previous_quarter_start_date,
        churn_window_days

    from {{ ref('int_plan_quarters_resolved') }}

),

completed_orders as (

    select
        quarter,
        customer_id,
        order_date,
        is_in_quarter

    from {{ ref('int_order_statuses_resolved') }}
    where is_completed
        and customer_id is not null

),

histories as (

    select
        quarter,
        customer_id,
        min(order_date) as first_order_date,
        max(case when not is_in_quarter then order_date end) as last_order_before_quarter,
        min(case when is_in_quarter then order_date end) as first_order_in_quarter,
        count(case when is_in_quarter then 1 end) as orders_in_quarter

    from completed_orders
    group by quarter, customer_id

),

classified as (

    select
        histories.quarter,
        histories.customer_id,
        histories.first_order_date,
        histories.last_order_before_quarter,
        histories.first_order_in_quarter,
        histories.orders_in_quarter,
        case
            when histories.last_order_before_quarter is null then null
            when histories.last_order_before_quarter
                >= {{ dbt.safe_cast(
                    dbt.dateadd('day', '-quarters.churn_window_days', 'quarters.quarter_start_date'),
                    type_date()) }}
                then 'existing'
            else 'churned'
        end as lifecycle_at_start,
        -- a customer of the previous quarter's existing segment had ordered before it began
        histories.first_order_date < quarters.previous_quarter_start_date
            as was_returning_last_quarter

    from histories
    inner join quarters
        on quarters.quarter = histories.quarter

),

final as (

    select
        quarter,
        customer_id,
        first_order_date,
        last_order_before_quarter,
        first_order_in_quarter,
        orders_in_quarter,
        lifecycle_at_start,
        case
            when lifecycle_at_start is null then 'new'
            when lifecycle_at_start = 'churned' and first_order_in_quarter is not null
                then 'recalled'
            else lifecycle_at_start
        end as lifecycle,
        case when lifecycle_at_start is null then 'new' else 'existing' end as customer_segment,
        was_returning_last_quarter

    from classified

)

select * from final
