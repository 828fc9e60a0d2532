{{ config(unique_key='campaign_id') }}

with

source as (

    -- raw.campaigns is a version log: rank the versions of each key, newest first
    select
        *,
        row_number() over (
            partition by campaign_id
            order by updated_at desc, _loaded_at desc
        ) as version_rank

    from {{ versions_of_changed_keys(source('crm', 'campaigns')) }}

),

latest as (

    select * from source
    where version_rank = 1

),

renamed as (

    select
        -- ids
        {{ dbt.safe_cast('campaign_id', dbt.type_string()) }} as campaign_id,

        -- strings
        {{ dbt.safe_cast('campaign_name', dbt.type_string()) }} as campaign_name,
        {{ dbt.safe_cast('source', dbt.type_string()) }} as source,

        -- numerics
        {{ dbt.safe_cast('budget', type_money()) }} as budget,

        -- dates/timestamps
        {{ dbt.safe_cast('start_date', type_date()) }} as start_date,
        {{ dbt.safe_cast('end_date', type_date()) }} as end_date,
        {{ dbt.safe_cast('updated_at', dbt.type_timestamp()) }} as updated_at,
        {{ dbt.safe_cast('_loaded_at', dbt.type_timestamp()) }} as loaded_at

    from latest

)

select * from renamed
