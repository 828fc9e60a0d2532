{{ config(unique_key='group_id') }}

with

source as (

    -- raw.sales_groups is a version log: rank the versions of each key, newest first
    select
        *,
        row_number() over (
            partition by group_id
            order by updated_at desc, _loaded_at desc
        ) as version_rank

    from {{ versions_of_changed_keys(source('crm', 'sales_groups')) }}

),

latest as (

    select * from source
    where version_rank = 1

),

renamed as (

    select
        -- ids
        {{ dbt.safe_cast('group_id', dbt.type_string()) }} as group_id,
        {{ dbt.safe_cast('region_id', dbt.type_string()) }} as region_id,
        {{ dbt.safe_cast('lead_rep_id', dbt.type_string()) }} as lead_rep_id,

        -- strings
        {{ dbt.safe_cast('group_name', dbt.type_string()) }} as group_name,
        {{ dbt.safe_cast('group_kind', dbt.type_string()) }} as group_kind,

        -- dates/timestamps
        {{ dbt.safe_cast('updated_at', dbt.type_timestamp()) }} as updated_at,
        {{ dbt.safe_cast('_loaded_at', dbt.type_timestamp()) }} as loaded_at

    from latest

)

select * from renamed
