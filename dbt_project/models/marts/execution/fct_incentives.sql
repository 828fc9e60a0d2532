{#-
    Incentives per quarter x rep:
    - commission: the rep's commission lines (sales minus clawbacks, fct_commission_lines);
    - bonus: the highest tier of bonus_tiers.csv (set in effect) whose min_attainment the rep
      reaches (revenue >= target x min_attainment, exact decimals), x the monthly salary;
    - awards: what the rep won as a champion of awards.csv (int_rep_awards_measured);
    - promotion_eligible: the rep reaches a tier with promotion_quarters = 2 in this quarter
      and reached its min_attainment in the previous quarter (or = 1: this quarter alone).
    Quarter-keyed, incremental (delete+insert by quarter).
-#}

with

quarters as (

    select
        quarter,
        quarter_end_date,
        as_of_date

    from {{ ref('int_plan_quarters_resolved') }}

),

attainments as (

    select
        quarter,
        period,
        rep_id,
        target_value,
        revenue,
        attainment

    from {{ ref('int_rep_attainments_measured') }}

),

commission_lines as (

    select
        quarter,
        rep_id,
        line_kind,
        net_amount,
        commission

    from {{ ref('fct_commission_lines') }}
    where quarter in (select quarter from quarters)

),

commissions as (

    select
        quarter,
        rep_id,
        sum(case when line_kind = 'sale' then net_amount else 0 end) as commissioned_revenue,
        -sum(case when line_kind = 'clawback' then net_amount else 0 end) as refunded_revenue,
        sum(commission) as commission,
        sum(case when line_kind = 'clawback' then commission else 0 end) as clawback

    from commission_lines
    group by quarter, rep_id

),

reps as (

    select
        rep_id,
        coalesce(rep_name, rep_id) as rep_name,
        role,
        monthly_salary

    from {{ ref('stg_crm__reps') }}

),

rep_quarters as (

    select quarter, rep_id from attainments where period = 'current'
    union
    select quarter, rep_id from commissions

),

-- the sets in effect for the quarter (int_plan_sets_in_effect)
bonus_tiers as (

    {{ plan_rows_in_effect(
        'bonus_tiers', ['tier', 'min_attainment', 'salary_multiple', 'promotion_quarters']
    ) }}

),

-- exact decimal comparison: revenue >= target x min_attainment
tiers_reached as (

    select
        attainments.quarter,
        attainments.period,
        attainments.rep_id,
        bonus_tiers.tier,
        bonus_tiers.min_attainment,
        bonus_tiers.salary_multiple,
        bonus_tiers.promotion_quarters,
        row_number() over (
            partition by attainments.quarter, attainments.period, attainments.rep_id
            order by bonus_tiers.min_attainment desc, bonus_tiers.tier
        ) as tier_rank

    from attainments
    inner join bonus_tiers
        on bonus_tiers.quarter = attainments.quarter
    where attainments.target_value > 0
        and attainments.revenue >= attainments.target_value
            * {{ dbt.safe_cast('bonus_tiers.min_attainment', 'numeric(12, 6)') }}

),

bonuses as (

    select
        quarter,
        rep_id,
        tier as bonus_tier,
        salary_multiple

    from tiers_reached
    where period = 'current'
        and tier_rank = 1

),

promotions as (

    select
        this_quarter.quarter,
        this_quarter.rep_id,
        min(this_quarter.tier) as promotion_tier

    from tiers_reached as this_quarter
    left join tiers_reached as previous_quarter
        on previous_quarter.quarter = this_quarter.quarter
        and previous_quarter.period = 'previous'
        and previous_quarter.rep_id = this_quarter.rep_id
        and previous_quarter.tier = this_quarter.tier
    where this_quarter.period = 'current'
        and (
            this_quarter.promotion_quarters = 1
            or (this_quarter.promotion_quarters = 2 and previous_quarter.rep_id is not null)
        )
    group by this_quarter.quarter, this_quarter.rep_id

),

rep_awards as (

    select
        quarter,
        rep_id,
        awards,
        award_names

    from {{ ref('int_rep_awards_measured') }}

),

final as (

    select
        -- keys
        rep_quarters.quarter,
        rep_quarters.rep_id,
        reps.rep_name,
        reps.role,

        -- revenue and commission
        {{ dbt.safe_cast('coalesce(current_period.revenue, 0)', type_money()) }} as revenue,
        {{ dbt.safe_cast('coalesce(commissions.refunded_revenue, 0)', type_money()) }}
            as refunded_revenue,
        {{ dbt.safe_cast('coalesce(commissions.commission, 0)', type_money()) }} as commission,
        {{ dbt.safe_cast('coalesce(commissions.clawback, 0)', type_money()) }} as clawback,

        -- attainment and bonus
        {{ dbt.safe_cast('current_period.target_value', type_money()) }} as target_value,
        current_period.attainment,
        previous_period.attainment as previous_attainment,
        bonuses.bonus_tier,
        reps.monthly_salary,
        {{ dbt.safe_cast(
            'round(coalesce(reps.monthly_salary * '
            ~ dbt.safe_cast('bonuses.salary_multiple', 'numeric(12, 6)') ~ ', 0), 2)',
            type_money()) }} as bonus,

        -- awards and promotion
        {{ dbt.safe_cast('coalesce(rep_awards.awards, 0)', type_money()) }} as awards,
        rep_awards.award_names,
        promotions.rep_id is not null as promotion_eligible,
        promotions.promotion_tier,

        -- as of
        quarters.as_of_date,
        quarters.as_of_date < quarters.quarter_end_date as is_provisional

    from rep_quarters
    inner join quarters
        on quarters.quarter = rep_quarters.quarter
    left join reps
        on reps.rep_id = rep_quarters.rep_id
    left join attainments as current_period
        on current_period.quarter = rep_quarters.quarter
        and current_period.period = 'current'
        and current_period.rep_id = rep_quarters.rep_id
    left join attainments as previous_period
        on previous_period.quarter = rep_quarters.quarter
        and previous_period.period = 'previous'
        and previous_period.rep_id = rep_quarters.rep_id
    left join commissions
        on commissions.quarter = rep_quarters.quarter
        and commissions.rep_id = rep_quarters.rep_id
    left join bonuses
        on bonuses.quarter = rep_quarters.quarter
        and bonuses.rep_id = rep_quarters.rep_id
    left join rep_awards
        on rep_awards.quarter = rep_quarters.quarter
        and rep_awards.rep_id = rep_quarters.rep_id
    left join promotions
        on promotions.quarter = rep_quarters.quarter
        and promotions.rep_id = rep_quarters.rep_id

)

select * from final
