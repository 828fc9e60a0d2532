{#-
    The nodes the quarter review judges (fct_quarter_review): every customer, product, team
    and responsibility node and metric with a target, per planned run quarter, with the
    plan's warning line of its metric (amber_below of warning_lines.csv: the KPI's own line
    first, as in fct_warnings, else its metric's, else var default_amber_below).
    judged_target_value and judged_completion are what the short board holds against that
    line: a closed quarter's node against its quarter target, an open (provisional)
    quarter's against the target due by its as-of date, i.e. what it should have done so far.
    A node the source mapping cannot measure (not_measured_reason) is not judged.
-#}
with

quarters as (

    select
        quarter,
        as_of_date < quarter_end_date as is_provisional

    from {{ ref('int_plan_quarters_resolved') }}
    where is_planned

),

nodes as (

    select
        quarter,
        node_id,
        metric,
        dimension,
        level,
        node_name,
        target_value,
        actual_value,
        completion,
        expected_to_date,
        completion_to_date

    from {{ ref('fct_node_actuals') }}
    where dimension in ('customer', 'product', 'team', 'responsibility')
        and target_value is not null
        and not_measured_reason is null

),

warning_lines as (

    {{ plan_rows_in_effect('warning_lines', ['metric', 'amber_below']) }}

),

final as (

    select
        nodes.quarter,
        nodes.node_id,
        nodes.metric,
        nodes.dimension,
        nodes.level,
        nodes.node_name,
        nodes.target_value,
        nodes.actual_value,
        nodes.completion,
        -- the line fct_warnings uses: the KPI's own, else its metric's
        coalesce(own_line.amber_below, metric_line.amber_below, {{ var('default_amber_below') }}) as plan_line,
        case
            when quarters.is_provisional then nodes.expected_to_date
            else nodes.target_value
        end as judged_target_value,
        case
            when quarters.is_provisional then nodes.completion_to_date
            else nodes.completion
        end as judged_completion

    from nodes
    inner join quarters
        on quarters.quarter = nodes.quarter
    left join warning_lines as own_line
        on own_line.quarter = nodes.quarter
        and own_line.metric = case
            when nodes.metric = 'rate' then {{ dbt.split_part('nodes.node_id', "'/'", 3) }}
            when nodes.metric = 'customers' then 'new_customers'
            else nodes.metric
        end
    left join warning_lines as metric_line
        on metric_line.quarter = nodes.quarter
        and metric_line.metric = case when nodes.metric = 'customers' then 'customers' else 'rate' end

)

select * from final
