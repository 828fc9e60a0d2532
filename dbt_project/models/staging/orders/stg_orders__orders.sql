{{ config(unique_key='order_id') }}

with

source as (

    -- raw.orders is a version log: rank the versions of each key, newest first
    select
        *,
        row_number() over (
            partition by order_id
            order by updated_at desc, _loaded_at desc
        ) as version_rank

    from {{ versions_of_changed_keys(source('orders', 'orders')) }}

),

latest as (

    select * from source
    where version_rank = 1

),

renamed as (

    select
        -- ids
        {{ dbt.safe_cast('order_id', dbt.type_string()) }} as order_id,
        {{ dbt.safe_cast('customer_id', dbt.type_string()) }} as customer_id,
        {{ dbt.safe_cast('rep_id', dbt.type_string()) }} as rep_id,

        -- strings
        {{ dbt.safe_cast('status', dbt.type_string()) }} as status,
        {{ dbt.safe_cast('currency', dbt.type_string()) }} as currency,

        -- booleans
        status = 'completed' as is_completed,
        status = 'cancelled' as is_cancelled,
        status = 'refunded' as is_refunded,

        -- dates/timestamps
        {{ dbt.safe_cast('order_date', type_date()) }} as order_date,
        {{ dbt.safe_cast('updated_at', dbt.type_timestamp()) }} as updated_at,
        {{ dbt.safe_cast('_loaded_at', dbt.type_timestamp()) }} as loaded_at

    from latest

)

select * from renamed
