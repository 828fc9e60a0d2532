{#- Published warning flags (DESIGN section 8): quarter x week x node x metric behind pace. -#}
with

warnings as (

    select
        quarter,
        week_start,
        week_number,
        node_id,
        node_name,
        dimension,
        metric,
        level,
        completion,
        threshold,
        consecutive_weeks,
        owner,
        owner_rep_id,
        message

    from {{ ref('fct_warnings') }}

)

select * from warnings
