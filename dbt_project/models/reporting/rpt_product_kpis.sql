{#-
    Published product KPIs: quarter x tier x metric, as of each quarter's
    as-of date: revenue, units (no target where the plan sets none), revenue_share (tier
    revenue / total revenue, target: the tier's share of the total target),
    sell_through_30d (new) and inventory_reduction (long tail); not_measured_reason says why
    a KPI has no actual (no inventory snapshots in the source mapping).
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
    where node_id = 'total'
        or node_id like 'product/%'

),

totals as (

    select
        quarter,
        target_value,
        actual_value

    from actuals
    where node_id = 'total'
        and metric = 'revenue'

),

tier_metrics as (

    select
        quarter,
        {{ dbt.split_part('node_id', "'/'", 2) }} as tier,
        case when metric = 'rate' then {{ dbt.split_part('node_id', "'/'", 3) }}
            else metric end as metric,
        {{ dbt.safe_cast('target_value', "double") }} as target_value,
        {{ dbt.safe_cast('actual_value', "double") }} as actual_value,
        completion,
        as_of_date,
        not_measured_reason

    from actuals
    where node_id like 'product/%'
        and metric in ('revenue', 'units', 'rate')

),

shares as (

    select
        actuals.quarter,
        {{ dbt.split_part('actuals.node_id', "'/'", 2) }} as tier,
        'revenue_share' as metric,
        {{ dbt.safe_cast('actuals.target_value', "double") }}
            / nullif({{ dbt.safe_cast('totals.target_value', "double") }}, 0)
            as target_value,
        {{ dbt.safe_cast('actuals.actual_value', "double") }}
            / nullif({{ dbt.safe_cast('totals.actual_value', "double") }}, 0)
            as actual_value,
        actuals.as_of_date,
        actuals.not_measured_reason

    from actuals
    inner join totals
        on totals.quarter = actuals.quarter
    where actuals.node_id like 'product/%'
        and actuals.metric = 'revenue'

),

final as (

    select
        quarter, tier, metric, target_value, actual_value, completion, as_of_date,
        not_measured_reason
    from tier_metrics

    union all

    select
        quarter, tier, metric, target_value, actual_value,
        actual_value / nullif(target_value, 0) as completion,
        as_of_date,
        not_measured_reason
    from shares

)

select * from final
