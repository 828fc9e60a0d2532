{{ config(unique_key='rep_id') }}

with

source as (

    -- raw.reps is a version log: rank the versions of each key, newest first
    select
        *,
        row_number() over (
            partition by rep_id
            order by updated_at desc, _loaded_at desc
        ) as version_rank

    from {{ versions_of_changed_keys(source('crm', 'reps')) }}

),

latest as (

    select * from source
    where version_rank = 1

),

renamed as (

    select
        -- ids
        {{ dbt.safe_cast('rep_id', dbt.type_string()) }} as rep_id,

        -- strings
        {{ dbt.safe_cast('rep_name', dbt.type_string()) }} as rep_name,
        {{ dbt.safe_cast('email', dbt.type_string()) }} as email,
        {{ dbt.safe_cast('role', dbt.type_string()) }} as role,

        -- numerics
        {{ dbt.safe_cast('monthly_salary', type_money()) }} as monthly_salary,

        -- dates/timestamps
        {{ dbt.safe_cast('hire_date', type_date()) }} as hire_date,
        {{ dbt.safe_cast('updated_at', dbt.type_timestamp()) }} as updated_at,
        {{ dbt.safe_cast('_loaded_at', dbt.type_timestamp()) }} as loaded_at

    from latest

)

select * from renamed
