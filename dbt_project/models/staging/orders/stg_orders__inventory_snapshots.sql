{{ config(unique_key=['product_id', 'snapshot_date']) }}

with

source as (

    -- raw.inventory_snapshots is a version log: rank the versions of each key, newest first
    select
        *,
        row_number() over (
            partition by product_id, snapshot_date
            order by updated_at desc, _loaded_at desc
        ) as version_rank

    from {{ versions_of_changed_keys(source('orders', 'inventory_snapshots')) }}

),

latest as (

    select * from source
    where version_rank = 1

),

renamed as (

    select
        -- ids
        {{ dbt.safe_cast('product_id', dbt.type_string()) }} as product_id,

        -- numerics
        {{ dbt.safe_cast('units_on_hand', dbt.type_bigint()) }} as units_on_hand,
        {{ dbt.safe_cast('units_received', dbt.type_bigint()) }} as units_received,

        -- dates/timestamps
        {{ dbt.safe_cast('snapshot_date', type_date()) }} as snapshot_date,
        {{ dbt.safe_cast('updated_at', dbt.type_timestamp()) }} as updated_at,
        {{ dbt.safe_cast('_loaded_at', dbt.type_timestamp()) }} as loaded_at

    from latest

)

select * from renamed
