{{ config(unique_key=['campaign_id', 'spend_date']) }}

with

source as (

    -- raw.campaign_spend is a version log: rank the versions of each key, newest first
    select
        *,
        row_number() over (
            partition by campaign_id, spend_date
            order by updated_at desc, _loaded_at desc
        ) as version_rank

    from {{ versions_of_changed_keys(source('crm', 'campaign_spend')) }}

),

latest as (

    select * from source
    where version_rank = 1

),

renamed as (

    select
        -- ids
        {{ dbt.safe_cast('campaign_id', dbt.type_string()) }} as campaign_id,

        -- numerics
        {{ dbt.safe_cast('amount', type_money()) }} as amount,

        -- dates/timestamps
        {{ dbt.safe_cast('spend_date', type_date()) }} as spend_date,
        {{ dbt.safe_cast('updated_at', dbt.type_timestamp()) }} as updated_at,
        {{ dbt.safe_cast('_loaded_at', dbt.type_timestamp()) }} as loaded_at

    from latest

)

select * from renamed
