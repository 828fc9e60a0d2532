{{ config(unique_key='assignment_id') }}

with

source as (

    -- raw.rep_assignments is a version log: rank the versions of each key, newest first
    select
        *,
        row_number() over (
            partition by assignment_id
            order by updated_at desc, _loaded_at desc
        ) as version_rank

    from {{ versions_of_changed_keys(source('crm', 'rep_assignments')) }}

),

latest as (

    select * from source
    where version_rank = 1

),

renamed as (

    select
        -- ids
        {{ dbt.safe_cast('assignment_id', dbt.type_string()) }} as assignment_id,
        {{ dbt.safe_cast('rep_id', dbt.type_string()) }} as rep_id,
        {{ dbt.safe_cast('group_id', dbt.type_string()) }} as group_id,

        -- dates/timestamps
        {{ dbt.safe_cast('valid_from', type_date()) }} as valid_from,
        {{ dbt.safe_cast('valid_to', type_date()) }} as valid_to,
        {{ dbt.safe_cast('updated_at', dbt.type_timestamp()) }} as updated_at,
        {{ dbt.safe_cast('_loaded_at', dbt.type_timestamp()) }} as loaded_at

    from latest

)

select * from renamed
