{#- A table, not a view: its data tests and int_order_statuses_resolved each read it, and as
    a view each re-ranked every loaded version. -#}
{{ config(materialized="table") }}

{#-
    Every status an order is known to have had, oldest first, for models that read an
    order's status as of a date. Two sources of versions:
    - the versions ingestion loaded (stg_orders__order_status_changes): an order the pipeline
      saw before and after a change has both;
    - the booking a change implies: orders are booked completed, and cancelled or refunded
      are changes of a completed order. When the earliest loaded version of an order is
      already cancelled or refunded (a source that keeps only the current row, first read
      after the change), the order is taken as completed from the start of its order date
      until that change. Without it, a closed quarter backfilled after a late refund would
      count the refund in the quarter the order was booked.
    An order entered late (its first version recorded after its order date as completed)
    keeps its earliest version; readers treat it as holding from the order date.
-#}
with

orders as (

    select
        order_id,
        order_date

    from {{ ref('stg_orders__orders') }}

),

loaded_versions as (

    select
        order_id,
        status,
        is_completed,
        updated_at,
        superseded_at,
        row_number() over (partition by order_id order by updated_at) as version_number

    from {{ ref('stg_orders__order_status_changes') }}

),

implied_bookings as (

    select
        loaded_versions.order_id,
        'completed' as status,
        true as is_completed,
        {{ dbt.safe_cast('orders.order_date', dbt.type_timestamp()) }} as updated_at,
        loaded_versions.updated_at as valid_until,
        true as is_earliest,
        true as is_inferred

    from loaded_versions
    inner join orders
        on orders.order_id = loaded_versions.order_id
    where loaded_versions.version_number = 1
        and not loaded_versions.is_completed
        and {{ dbt.safe_cast('orders.order_date', dbt.type_timestamp()) }}
            < loaded_versions.updated_at

),

final as (

    select
        loaded_versions.order_id,
        loaded_versions.status,
        loaded_versions.is_completed,
        loaded_versions.updated_at,
        loaded_versions.superseded_at as valid_until,
        loaded_versions.version_number = 1 and implied_bookings.order_id is null as is_earliest,
        false as is_inferred

    from loaded_versions
    left join implied_bookings
        on implied_bookings.order_id = loaded_versions.order_id

    union all

    select
        order_id,
        status,
        is_completed,
        updated_at,
        valid_until,
        is_earliest,
        is_inferred

    from implied_bookings

)

select * from final
