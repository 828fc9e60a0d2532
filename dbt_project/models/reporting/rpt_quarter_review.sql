{#-
    Published quarter review (DESIGN section 8): quarter x finding (total, dimension,
    short_board, best, worst, resources, next_quarter), provisional for a running quarter
    (fct_quarter_review).
-#}
with

review as (

    select
        quarter,
        section,
        subject,
        metric,
        target_value,
        actual_value,
        completion,
        finding,
        finding_order,
        is_provisional,
        as_of_date

    from {{ ref('fct_quarter_review') }}

),

final as (

    select
        quarter,
        section,
        subject,
        metric,
        target_value,
        actual_value,
        completion,
        finding,
        {{ dbt.safe_cast('finding_order', 'integer') }} as finding_order,
        is_provisional,
        as_of_date

    from review

)

select * from final
