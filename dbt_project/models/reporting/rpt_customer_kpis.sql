{#-
    Published customer KPIs: quarter x metric, as of each quarter's as-of
    date: new customers (count), lead conversion, repurchase, AOV lift and churn recall rates;
    not_measured_reason says why a rate has no actual (no leads in the source mapping).
-#}
with

actuals as (

    select
        quarter,
        node_id,
        metric,
        target_value,
        actual_value,
        completion,
        as_of_date,
        not_measured_reason

    from {{ ref('fct_node_actuals') }}

),

kpis as (

    select
        quarter,
        case
            when node_id = 'customer/new' then 'new_customers'
            else {{ dbt.split_part('node_id', "'/'", 3) }}
        end as metric,
        node_id,
        {{ dbt.safe_cast('target_value', "double") }} as target_value,
        {{ dbt.safe_cast('actual_value', "double") }} as actual_value,
        completion,
        as_of_date,
        not_measured_reason

    from actuals
    where (node_id = 'customer/new' and metric = 'customers')
        or node_id in (
            'customer/new/lead_conversion_rate',
            'customer/existing/repurchase_rate',
            'customer/existing/aov_lift',
            'customer/existing/churn_recall_rate'
        )

)

select * from kpis
