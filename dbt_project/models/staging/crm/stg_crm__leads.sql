{{ config(unique_key='lead_id') }}

with

source as (

    -- raw.leads is a version log: rank the versions of each key, newest first
    select
        *,
        row_number() over (
            partition by lead_id
            order by updated_at desc, _loaded_at desc
        ) as version_rank

    from {{ versions_of_changed_keys(source('crm', 'leads')) }}

),

latest as (

    select * from source
    where version_rank = 1

),

renamed as (

    select
        -- ids
        {{ dbt.safe_cast('lead_id', dbt.type_string()) }} as lead_id,
        {{ dbt.safe_cast('campaign_id', dbt.type_string()) }} as campaign_id,
        {{ dbt.safe_cast('rep_id', dbt.type_string()) }} as rep_id,
        {{ dbt.safe_cast('customer_id', dbt.type_string()) }} as customer_id,

        -- strings
        {{ dbt.safe_cast('source', dbt.type_string()) }} as source,

        -- booleans
        converted_at is not null as is_converted,

        -- dates/timestamps
        {{ dbt.safe_cast('created_at', dbt.type_timestamp()) }} as created_at,
        {{ dbt.safe_cast('converted_at', dbt.type_timestamp()) }} as converted_at,
        {{ dbt.safe_cast('updated_at', dbt.type_timestamp()) }} as updated_at,
        {{ dbt.safe_cast('_loaded_at', dbt.type_timestamp()) }} as loaded_at

    from latest

)

select * from renamed
