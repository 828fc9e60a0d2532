{#-
    One row per quarter of the run window with its dates, its as-of date, the plan's total
    method and the KPI targets in effect. A window quarter the plan does not cover has
    is_planned = false (and a failing test).
-#}
with

window_quarters as (

    select
        quarter,
        quarter_start_date,
        quarter_end_date,
        as_of_date,
        status_as_of_date,
        previous_quarter_start_date,
        previous_quarter_end_date

    from {{ ref('int_run_quarters_dated') }}

),

quarter_totals as (

    select
        quarter,
        revenue_target,
        revenue_growth,
        baseline_revenue,
        baseline_core_units

    from {{ ref('quarter_totals') }}

),

kpi_sets_in_effect as (

    select
        quarter,
        from_quarter as kpi_from_quarter

    from {{ ref('int_plan_sets_in_effect') }}
    where plan_table = 'kpi_targets'

),

kpi_targets as (

    select
        from_quarter,
        new_customer_aov,
        lead_conversion_rate,
        repurchase_rate,
        aov_lift,
        churn_recall_rate,
        churn_window_days,
        core_unit_growth,
        new_product_aov,
        sell_through_30d,
        long_tail_inventory_reduction

    from {{ ref('kpi_targets') }}

),

resolved as (

    select
        window_quarters.quarter,
        window_quarters.quarter_start_date,
        window_quarters.quarter_end_date,
        window_quarters.as_of_date,
        window_quarters.status_as_of_date,
        window_quarters.previous_quarter_start_date,
        window_quarters.previous_quarter_end_date,
        quarter_totals.quarter is not null as is_planned,

        -- how the total is set
        quarter_totals.revenue_target,
        quarter_totals.revenue_growth,
        quarter_totals.baseline_revenue as planned_baseline_revenue,
        quarter_totals.baseline_core_units as planned_baseline_core_units,

        -- KPI targets and parameters in effect
        kpi_sets_in_effect.kpi_from_quarter,
        kpi_targets.new_customer_aov,
        kpi_targets.lead_conversion_rate,
        kpi_targets.repurchase_rate,
        kpi_targets.aov_lift,
        kpi_targets.churn_recall_rate,
        kpi_targets.churn_window_days,
        kpi_targets.core_unit_growth,
        kpi_targets.new_product_aov,
        kpi_targets.sell_through_30d,
        kpi_targets.long_tail_inventory_reduction

    from window_quarters
    left join quarter_totals
        on quarter_totals.quarter = window_quarters.quarter
    left join kpi_sets_in_effect
        on kpi_sets_in_effect.quarter = window_quarters.quarter
    left join kpi_targets
        on kpi_targets.from_quarter = kpi_sets_in_effect.kpi_from_quarter

)

select * from resolved
