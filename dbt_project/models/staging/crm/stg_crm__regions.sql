{{ config(unique_key='region_id') }}

with

source as (

    -- raw.regions is a version log: rank the versions of each key, newest first
    select
        *,
        row_number() over (
            partition by region_id
            order by updated_at desc, _loaded_at desc
        ) as version_rank

    from {{ versions_of_changed_keys(source('crm', 'regions')) }}

),

latest as (

    select * from source
    where version_rank = 1

),

renamed as (

    select
        -- ids
        {{ dbt.safe_cast('region_id', dbt.type_string()) }} as region_id,

        -- strings
        {{ dbt.safe_cast('region_name', dbt.type_string()) }} as region_name,
        {{ dbt.safe_cast('tier', dbt.type_string()) }} as tier,

        -- dates/timestamps
        {{ dbt.safe_cast('updated_at', dbt.type_timestamp()) }} as updated_at,
        {{ dbt.safe_cast('_loaded_at', dbt.type_timestamp()) }} as loaded_at

    from latest

)

select * from renamed
