{{ config(unique_key='customer_id') }}

with

source as (

    -- raw.customers is a version log: rank the versions of each key, newest first
    select
        *,
        row_number() over (
            partition by customer_id
            order by updated_at desc, _loaded_at desc
        ) as version_rank

    from {{ versions_of_changed_keys(source('crm', 'customers')) }}

),

latest as (

    select * from source
    where version_rank = 1

),

renamed as (

    select
        -- ids
        {{ dbt.safe_cast('customer_id', dbt.type_string()) }} as customer_id,
        {{ dbt.safe_cast('region_id', dbt.type_string()) }} as region_id,
        {{ dbt.safe_cast('owner_rep_id', dbt.type_string()) }} as owner_rep_id,

        -- strings
        {{ dbt.safe_cast('customer_name', dbt.type_string()) }} as customer_name,
        {{ dbt.safe_cast('email', dbt.type_string()) }} as email,
        {{ dbt.safe_cast('phone', dbt.type_string()) }} as phone,
        {{ dbt.safe_cast('city_tier', dbt.type_string()) }} as city_tier,

        -- dates/timestamps
        {{ dbt.safe_cast('created_at', dbt.type_timestamp()) }} as created_at,
        {{ dbt.safe_cast('updated_at', dbt.type_timestamp()) }} as updated_at,
        {{ dbt.safe_cast('_loaded_at', dbt.type_timestamp()) }} as loaded_at

    from latest

)

select * from renamed
