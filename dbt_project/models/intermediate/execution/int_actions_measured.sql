{# Longer than 250 lines: five action KPIs measured over the one action window this model computes. #}
{#-
    Each action of a run quarter (actions.csv) measured as of the quarter's as-of date:
    the KPI counted inside the action's window (from its first day to the earlier of its last
    day and the as-of date) and the spend of its CRM campaign recorded up to the as-of date.
    KPIs (docs/plan.md):
    - leads: leads of the action's lead source created in the window;
    - new_customers: distinct customers won from those leads (converted by the as-of date);
    - repurchase_rate: existing customers at the quarter start who ordered in the window /
      existing customers at the quarter start;
    - churn_recall_rate: churned customers at the quarter start who ordered in the window /
      churned customers at the quarter start;
    - aov_lift: the existing segment's average order in the window / its average order last
      quarter - 1 (last quarter's orders with their status at its close).
    outcome_count is what a unit of cost buys: leads, customers won, existing customers who
    ordered, recalled customers (none for aov_lift).
-#}
with

quarters as (

    select
        quarter,
        quarter_start_date,
        previous_quarter_start_date,
        as_of_date

    from {{ ref('int_plan_quarters_resolved') }}

),

actions as (

    select
        quarters.quarter,
        actions.action_id,
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
        quarters.quarter_start_date,
        quarters.previous_quarter_start_date,
        quarters.as_of_date,
        case
            when actions.end_date < quarters.as_of_date then actions.end_date
            else quarters.as_of_date
        end as measured_until

    from {{ ref('actions') }} as actions
    inner join quarters
        on quarters.quarter = actions.quarter

),

leads as (

    select
        lead_id,
        source,
        customer_id,
        {{ dbt.safe_cast('created_at', type_date()) }} as created_date,
        {{ dbt.safe_cast('converted_at', type_date()) }} as converted_date

    from {{ ref('stg_crm__leads') }}

),

lead_outcomes as (

    select
        actions.quarter,
        actions.action_id,
        count(leads.lead_id) as leads_created,
        count(
            distinct case
                when leads.converted_date <= actions.as_of_date then leads.customer_id
            end
        ) as customers_won

    from actions
    inner join leads
        on leads.source = actions.lead_source
        and leads.created_date >= actions.start_date
        and leads.created_date <= actions.measured_until
    where actions.kpi in ('leads', 'new_customers')
    group by actions.quarter, actions.action_id

),

customers as (

    select
        quarter,
        customer_id,
        lifecycle_at_start,
        customer_segment,
        was_returning_last_quarter

    from {{ ref('int_customers_classified') }}

),

completed_orders as (

    select
        quarter,
        order_id,
        customer_id,
        order_date,
        is_in_quarter

    from {{ ref('int_order_statuses_resolved') }}
    where is_completed

),

order_amounts as (

    select
        order_id,
        sum(net_amount) as net_amount

    from {{ ref('stg_orders__order_lines') }}
    group by order_id

),

customer_outcomes as (

    select
        actions.quarter,
        actions.action_id,
        count(
            distinct case when customers.lifecycle_at_start = 'existing' then customers.customer_id end
        ) as existing_at_start,
        count(
            distinct case when customers.lifecycle_at_start = 'churned' then customers.customer_id end
        ) as churned_at_start,
        count(
            distinct case
                when customers.lifecycle_at_start = 'existing'
                    and completed_orders.order_id is not null then customers.customer_id
            end
        ) as existing_ordered,
        count(
            distinct case
                when customers.lifecycle_at_start = 'churned'
                    and completed_orders.order_id is not null then customers.customer_id
            end
        ) as churned_ordered

    from actions
    inner join customers
        on customers.quarter = actions.quarter
    left join completed_orders
        on completed_orders.quarter = actions.quarter
        and completed_orders.customer_id = customers.customer_id
        and completed_orders.is_in_quarter
        and completed_orders.order_date >= actions.start_date
        and completed_orders.order_date <= actions.measured_until
    where actions.kpi in ('repurchase_rate', 'churn_recall_rate')
    group by actions.quarter, actions.action_id

),

window_existing_orders as (

    select
        actions.quarter,
        actions.action_id,
        count(distinct completed_orders.order_id) as orders,
        sum(order_amounts.net_amount) as net_amount

    from actions
    inner join completed_orders
        on completed_orders.quarter = actions.quarter
        and completed_orders.is_in_quarter
        and completed_orders.order_date >= actions.start_date
        and completed_orders.order_date <= actions.measured_until
    inner join customers
        on customers.quarter = completed_orders.quarter
        and customers.customer_id = completed_orders.customer_id
        and customers.customer_segment = 'existing'
    inner join order_amounts
        on order_amounts.order_id = completed_orders.order_id
    where actions.kpi = 'aov_lift'
    group by actions.quarter, actions.action_id

),

-- the existing segment's orders last quarter (same rule as the quarter's aov_lift KPI)
last_quarter_existing_orders as (

    select
        completed_orders.quarter,
        count(distinct completed_orders.order_id) as orders,
        sum(order_amounts.net_amount) as net_amount

    from completed_orders
    inner join quarters
        on quarters.quarter = completed_orders.quarter
    inner join customers
        on customers.quarter = completed_orders.quarter
        and customers.customer_id = completed_orders.customer_id
    inner join order_amounts
        on order_amounts.order_id = completed_orders.order_id
    where not completed_orders.is_in_quarter
        and completed_orders.order_date >= quarters.previous_quarter_start_date
        and customers.was_returning_last_quarter
    group by completed_orders.quarter

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
            when actions.campaign_id is null then null
            else coalesce(spend.spend, 0)
        end as spend,
        case actions.kpi
            when 'leads' then {{ dbt.safe_cast('coalesce(lead_outcomes.leads_created, 0)', 'double') }}
            when 'new_customers'
                then {{ dbt.safe_cast('coalesce(lead_outcomes.customers_won, 0)', 'double') }}
            when 'repurchase_rate'
                then {{ dbt.safe_cast('customer_outcomes.existing_ordered', 'double') }}
                    / nullif(customer_outcomes.existing_at_start, 0)
            when 'churn_recall_rate'
                then {{ dbt.safe_cast('customer_outcomes.churned_ordered', 'double') }}
                    / nullif(customer_outcomes.churned_at_start, 0)
            when 'aov_lift'
                then {{ dbt.safe_cast('window_existing_orders.net_amount', 'double') }}
                    / nullif(window_existing_orders.orders, 0)
                    / nullif(
                        {{ dbt.safe_cast('last_quarter_existing_orders.net_amount', 'double') }}
                        / nullif(last_quarter_existing_orders.orders, 0),
                        0
                    ) - 1
        end as kpi_actual,
        case actions.kpi
            when 'leads' then coalesce(lead_outcomes.leads_created, 0)
            when 'new_customers' then coalesce(lead_outcomes.customers_won, 0)
            when 'repurchase_rate' then coalesce(customer_outcomes.existing_ordered, 0)
            when 'churn_recall_rate' then coalesce(customer_outcomes.churned_ordered, 0)
        end as outcome_count,

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
    left join lead_outcomes
        on lead_outcomes.quarter = actions.quarter
        and lead_outcomes.action_id = actions.action_id
    left join customer_outcomes
        on customer_outcomes.quarter = actions.quarter
        and customer_outcomes.action_id = actions.action_id
    left join window_existing_orders
        on window_existing_orders.quarter = actions.quarter
        and window_existing_orders.action_id = actions.action_id
    left join last_quarter_existing_orders
        on last_quarter_existing_orders.quarter = actions.quarter
    left join spend
        on spend.quarter = actions.quarter
        and spend.action_id = actions.action_id

)

select * from final
