{#-
    Each action of a run quarter (actions.csv) measured as of the quarter's as-of date:
    the KPI counted inside the action's window (int_action_windows_dated, counts of
    int_action_outcomes_counted) and the spend of its CRM campaign recorded up to the as-of
    date. KPIs (docs/plan.md):
    - leads: leads of the action's lead source created in the window;
    - new_customers: distinct customers won from those leads (converted by the as-of date);
    - repurchase_rate: existing customers at the quarter start who ordered in the window /
      existing customers at the quarter start;
    - churn_recall_rate: churned customers at the quarter start who ordered in the window /
      churned customers at the quarter start;
    - aov_lift: the existing segment's average order in the window / its average order last
      quarter - 1 (last quarter's orders with their status at its close).
    outcome_count is what a unit of cost buys: leads, customers won, existing customers who
    ordered, recalled customers (none for aov_lift). A KPI or a spend the source mapping
    cannot measure (no leads, no campaign spend) is null, and not_measured_reason says why.
-#}
with

actions as (

    select
        quarter,
        action_id,
        action_name,
        owner,
        start_date,
        end_date,
        budget,
        budget_line,
        kpi,
        kpi_target,
        lead_source,
        campaign_id,
        as_of_date,
        measured_until

    from {{ ref('int_action_windows_dated') }}

),

outcomes as (

    select
        quarter,
        action_id,
        leads_created,
        customers_won,
        existing_at_start,
        churned_at_start,
        existing_ordered,
        churned_ordered,
        window_orders,
        window_net_amount,
        last_quarter_orders,
        last_quarter_net_amount

    from {{ ref('int_action_outcomes_counted') }}

),

spend as (

    select
        actions.quarter,
        actions.action_id,
        sum(campaign_spend.amount) as spend

    from actions
    inner join {{ ref('stg_crm__campaign_spend') }} as campaign_spend
        on campaign_spend.campaign_id = actions.campaign_id
        and campaign_spend.spend_date <= actions.as_of_date
    group by actions.quarter, actions.action_id

),

-- what the source mapping cannot measure (macros/actuals/not_measured.sql): the KPI, and
-- the spend of an action with a campaign
not_measured as (

    select
        quarter,
        action_id,
        {{ not_measured_reason("'action_kpi/' || kpi") }} is null as is_kpi_measured,
        campaign_id is null or {{ not_measured_literal(['action_spend']) }} is null
            as is_spend_measured,
        case
            when campaign_id is null then {{ not_measured_reason("'action_kpi/' || kpi") }}
            else {{ not_measured_reason("'action_kpi/' || kpi", also=['action_spend']) }}
        end as reason

    from actions

),

final as (

    select
        -- keys
        actions.quarter,
        actions.action_id,

        -- the plan
        actions.action_name,
        actions.owner,
        actions.start_date,
        actions.end_date,
        actions.budget,
        actions.budget_line,
        actions.kpi,
        actions.kpi_target,
        actions.lead_source,
        actions.campaign_id,

        -- measured
        case
            when actions.campaign_id is null or not not_measured.is_spend_measured then null
            else coalesce(spend.spend, 0)
        end as spend,
        case when not_measured.is_kpi_measured then case actions.kpi
            when 'leads' then {{ dbt.safe_cast('coalesce(outcomes.leads_created, 0)', 'double') }}
            when 'new_customers'
                then {{ dbt.safe_cast('coalesce(outcomes.customers_won, 0)', 'double') }}
            when 'repurchase_rate'
                then {{ dbt.safe_cast('outcomes.existing_ordered', 'double') }}
                    / nullif(outcomes.existing_at_start, 0)
            when 'churn_recall_rate'
                then {{ dbt.safe_cast('outcomes.churned_ordered', 'double') }}
                    / nullif(outcomes.churned_at_start, 0)
            when 'aov_lift'
                then {{ dbt.safe_cast('outcomes.window_net_amount', 'double') }}
                    / nullif(outcomes.window_orders, 0)
                    / nullif(
                        {{ dbt.safe_cast('outcomes.last_quarter_net_amount', 'double') }}
                        / nullif(outcomes.last_quarter_orders, 0),
                        0
                    ) - 1
        end end as kpi_actual,
        case when not_measured.is_kpi_measured then case actions.kpi
            when 'leads' then coalesce(outcomes.leads_created, 0)
            when 'new_customers' then coalesce(outcomes.customers_won, 0)
            when 'repurchase_rate' then coalesce(outcomes.existing_ordered, 0)
            when 'churn_recall_rate' then coalesce(outcomes.churned_ordered, 0)
        end end as outcome_count,
        not_measured.is_kpi_measured,
        not_measured.reason as not_measured_reason,

        -- timing
        actions.measured_until,
        actions.as_of_date,
        actions.start_date <= actions.as_of_date as is_started,
        actions.end_date <= actions.as_of_date as is_window_over,
        case
            when actions.start_date > actions.as_of_date then 0.0
            else {{ dbt.safe_cast(
                dbt.datediff('actions.start_date', 'actions.measured_until', 'day') ~ ' + 1',
                'double') }}
                / ({{ dbt.datediff('actions.start_date', 'actions.end_date', 'day') }} + 1)
        end as window_elapsed_share

    from actions
    left join outcomes
        on outcomes.quarter = actions.quarter
        and outcomes.action_id = actions.action_id
    left join spend
        on spend.quarter = actions.quarter
        and spend.action_id = actions.action_id
    inner join not_measured
        on not_measured.quarter = actions.quarter
        and not_measured.action_id = actions.action_id

)

select * from final
