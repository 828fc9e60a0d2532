{#- A table, not a view: six models read it (lines, customers, KPI rates, action outcomes,
    commission lines, rep attainments), and as a view each re-ranked every order's status
    versions over the whole history. -#}
{{ config(materialized="table") }}

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
        updated_at,
        valid_until,
        is_earliest

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

-- the version in effect at the cutoff: the one that began before it and was not yet
-- superseded, else (none began before it) the earliest known. Exactly one version of an
-- order matches, so a join on the order does it: no sort of every version of every order.
final as (

    select
        orders_of_quarter.quarter,
        orders_of_quarter.order_id,
        orders_of_quarter.customer_id,
        orders_of_quarter.rep_id,
        orders_of_quarter.order_date,
        orders_of_quarter.is_in_quarter,
        status_versions.status,
        status_versions.is_completed

    from orders_of_quarter
    inner join status_versions
        on status_versions.order_id = orders_of_quarter.order_id
        and (
            (
                status_versions.updated_at < orders_of_quarter.status_cutoff_at
                and (
                    status_versions.valid_until is null
                    or status_versions.valid_until >= orders_of_quarter.status_cutoff_at
                )
            )
            or (
                status_versions.is_earliest
                and status_versions.updated_at >= orders_of_quarter.status_cutoff_at
            )
        )

)

select * from final
