{#-
    The revision in effect for each revised node and metric of a quarter, as of the
    quarter's as-of date: the latest revision whose effective date is on or before it. A
    backfill of a past quarter therefore sees the version that was known on its as-of date.
-#}
with

quarters as (

    select
        quarter,
        as_of_date

    from {{ ref('int_plan_quarters_resolved') }}
    where is_planned

),

revisions as (

    select
        quarter,
        node_id,
        metric,
        new_value,
        effective_date,
        reason,
        approved_by

    from {{ ref('plan_revisions') }}

),

known_revisions as (

    select
        revisions.quarter,
        revisions.node_id,
        revisions.metric,
        revisions.new_value,
        revisions.effective_date,
        revisions.reason,
        revisions.approved_by,
        row_number() over (
            partition by revisions.quarter, revisions.node_id, revisions.metric
            order by revisions.effective_date desc
        ) as recency_rank,
        count(*) over (
            partition by revisions.quarter, revisions.node_id, revisions.metric
        ) as revisions_known

    from revisions
    inner join quarters
        on quarters.quarter = revisions.quarter
        and revisions.effective_date <= quarters.as_of_date

),

final as (

    select
        quarter,
        node_id,
        metric,
        new_value as revised_value,
        effective_date as revision_effective_date,
        reason as revision_reason,
        approved_by as revision_approved_by,
        revisions_known

    from known_revisions
    where recency_rank = 1

)

select * from final
