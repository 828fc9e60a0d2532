-- Every version of every order, oldest first, so later models can read an order's status
-- as of a date: a refund recorded after a quarter closed must not change that quarter when
-- it is backfilled as of its end.
{{ config(unique_key='order_id') }}

with

source as (

    -- the same version may be loaded twice (ingestion re-reads a look-back window):
    -- count each (order, updated_at) once, as its latest load
    select
        *,
        row_number() over (
            partition by order_id, updated_at
            order by _loaded_at desc
        ) as load_rank

    from {{ versions_of_changed_keys(source('orders', 'orders')) }}

),

versions as (

    select * from source
    where load_rank = 1

),

renamed as (

    select
        -- ids
        {{ dbt.safe_cast('order_id', dbt.type_string()) }} as order_id,

        -- strings
        {{ dbt.safe_cast('status', dbt.type_string()) }} as status,

        -- booleans
        status = 'completed' as is_completed,

        -- dates/timestamps
        {{ dbt.safe_cast('updated_at', dbt.type_timestamp()) }} as updated_at,
        -- exclusive end of this version: the next version's updated_at, null while current
        lead({{ dbt.safe_cast('updated_at', dbt.type_timestamp()) }}) over (
            partition by order_id
            order by updated_at
        ) as superseded_at,
        {{ dbt.safe_cast('_loaded_at', dbt.type_timestamp()) }} as loaded_at

    from versions

)

select * from renamed
