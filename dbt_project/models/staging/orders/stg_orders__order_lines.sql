{{ config(unique_key='order_line_id') }}

with

source as (

    -- raw.order_lines is a version log: rank the versions of each key, newest first
    select
        *,
        row_number() over (
            partition by order_line_id
            order by updated_at desc, _loaded_at desc
        ) as version_rank

    from {{ versions_of_changed_keys(source('orders', 'order_lines')) }}

),

latest as (

    select * from source
    where version_rank = 1

),

renamed as (

    select
        -- ids
        {{ dbt.safe_cast('order_line_id', dbt.type_string()) }} as order_line_id,
        {{ dbt.safe_cast('order_id', dbt.type_string()) }} as order_id,
        {{ dbt.safe_cast('product_id', dbt.type_string()) }} as product_id,

        -- numerics
        {{ dbt.safe_cast('quantity', dbt.type_bigint()) }} as quantity,
        {{ dbt.safe_cast('unit_price', type_money()) }} as unit_price,
        {{ dbt.safe_cast('discount', type_money()) }} as discount,
        {{ dbt.safe_cast('net_amount', type_money()) }} as net_amount,

        -- dates/timestamps
        {{ dbt.safe_cast('updated_at', dbt.type_timestamp()) }} as updated_at,
        {{ dbt.safe_cast('_loaded_at', dbt.type_timestamp()) }} as loaded_at

    from latest

)

select * from renamed
