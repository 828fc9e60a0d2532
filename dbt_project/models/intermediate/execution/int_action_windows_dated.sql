{#-
    Each action of a run quarter (actions.csv) with the window it is measured over as of the
    quarter's as-of date: from its first day to the earlier of its last day and the as-of
    date (measured_until). int_action_outcomes_counted counts inside it,
    int_actions_measured says how much of it has elapsed.
-#}
with

quarters as (

    select
        quarter,
        as_of_date

    from {{ ref('int_plan_quarters_resolved') }}

),

final as (

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
        quarters.as_of_date,
        case
            when actions.end_date < quarters.as_of_date then actions.end_date
            else quarters.as_of_date
        end as measured_until

    from {{ ref('actions') }} as actions
    inner join quarters
        on quarters.quarter = actions.quarter

)

select * from final
