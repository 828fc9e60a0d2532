{#-
    Published incentives: quarter x rep with revenue, commission (after
    refund clawbacks), attainment, bonus, awards (money, with their names) and promotion
    eligibility (fct_incentives).
-#}
with

incentives as (

    select
        quarter,
        rep_id,
        rep_name,
        revenue,
        refunded_revenue,
        commission,
        clawback,
        target_value,
        attainment,
        previous_attainment,
        bonus_tier,
        bonus,
        awards,
        award_names,
        promotion_eligible,
        is_provisional,
        as_of_date

    from {{ ref('fct_incentives') }}

),

final as (

    select
        quarter,
        rep_id,
        rep_name,
        {{ dbt.safe_cast('revenue', type_money()) }} as revenue,
        {{ dbt.safe_cast('commission', type_money()) }} as commission,
        attainment,
        {{ dbt.safe_cast('bonus', type_money()) }} as bonus,
        {{ dbt.safe_cast('awards', type_money()) }} as awards,
        promotion_eligible,
        {{ dbt.safe_cast('refunded_revenue', type_money()) }} as refunded_revenue,
        {{ dbt.safe_cast('clawback', type_money()) }} as clawback,
        {{ dbt.safe_cast('target_value', type_money()) }} as target_value,
        previous_attainment,
        bonus_tier,
        award_names,
        is_provisional,
        as_of_date

    from incentives

)

select * from final
