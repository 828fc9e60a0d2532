{#-
    Every order dated up to a run quarter's as-of date, per run quarter, with the status that
    counts for that quarter:
    - orders of the quarter itself: the status in effect at the end of the as-of date, so a
      refund recorded after the as-of date never changes the quarter, and a backfill of a
      closed quarter is reproducible (an explicit restatement moves that day to its
      status_as_of_date, see int_plan_quarters_resolved);
    - older orders (customer history, last quarter's AOV): the status when the quarter
      started, i.e. at the previous quarter's close (the same rule as the growth baselines in
      int_quarter_baselines_measured).
    Versions come from int_order_status_versions_reconstructed (loaded versions plus the
    completed booking a later change implies). An order whose first version is later than
    that moment counts with its earliest known status (it was entered late, not changed).
-#}
with

quarters as (

    select
        quarter,
        quarter_start_date,
        as_of_date,
        status_as_of_date

    from {{ ref('int_plan_quarters_resolved') }}

),

orders as (

    select
        order_id,
        customer_id,
        rep_id,
        order_date

    from {{ ref('stg_orders__orders') }}

),

status_versions as (

    select
        order_id,
        status,
        is_completed,
        updated_at

    from {{ ref('int_order_status_versions_reconstructed') }}

),

orders_of_quarter as (

    select
        quarters.quarter,
        orders.order_id,
        orders.customer_id,
        orders.rep_id,
        orders.order_date,
        orders.order_date >= quarters.quarter_start_date as is_in_quarter,
        case
            when orders.order_date >= quarters.quarter_start_date
                then {{ dbt.safe_cast(dbt.dateadd('day', 1, 'quarters.status_as_of_date'),
                                      dbt.type_timestamp()) }}
            else {{ dbt.safe_cast('quarters.quarter_start_date', dbt.type_timestamp()) }}
        end as status_cutoff_at

    from quarters
    inner join orders
        on orders.order_date <= quarters.as_of_date

),

ranked as (

    select
        orders_of_quarter.quarter,
        orders_of_quarter.order_id,
        orders_of_quarter.customer_id,
        orders_of_quarter.rep_id,
        orders_of_quarter.order_date,
        orders_of_quarter.is_in_quarter,
        status_versions.status,
        status_versions.is_completed,
        row_number() over (
            partition by orders_of_quarter.quarter, orders_of_quarter.order_id
            order by
                case when status_versions.updated_at < orders_of_quarter.status_cutoff_at
                    then 0 else 1 end,
                case when status_versions.updated_at < orders_of_quarter.status_cutoff_at
                    then status_versions.updated_at end desc,
                status_versions.updated_at
        ) as version_rank

    from orders_of_quarter
    inner join status_versions
        on status_versions.order_id = orders_of_quarter.order_id

),

final as (

    select
        quarter,
        order_id,
        customer_id,
        rep_id,
        order_date,
        is_in_quarter,
        status,
        is_completed

    from ranked
    where version_rank = 1

)

select * from final
