{{ config(unique_key='product_id') }}

with

source as (

    -- raw.products is a version log: rank the versions of each key, newest first
    select
        *,
        row_number() over (
            partition by product_id
            order by updated_at desc, _loaded_at desc
        ) as version_rank

    from {{ versions_of_changed_keys(source('orders', 'products')) }}

),

latest as (

    select * from source
    where version_rank = 1

),

renamed as (

    select
        -- ids
        {{ dbt.safe_cast('product_id', dbt.type_string()) }} as product_id,

        -- strings
        {{ dbt.safe_cast('product_name', dbt.type_string()) }} as product_name,
        {{ dbt.safe_cast('tier', dbt.type_string()) }} as tier,

        -- numerics
        {{ dbt.safe_cast('list_price', type_money()) }} as list_price,

        -- dates/timestamps
        {{ dbt.safe_cast('launch_date', type_date()) }} as launch_date,
        {{ dbt.safe_cast('updated_at', dbt.type_timestamp()) }} as updated_at,
        {{ dbt.safe_cast('_loaded_at', dbt.type_timestamp()) }} as loaded_at

    from latest

)

select * from renamed
