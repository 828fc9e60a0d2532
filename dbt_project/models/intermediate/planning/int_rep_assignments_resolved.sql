{#-
    The org as of any date: each rep's group over time, as spans that never overlap
    (valid_from inclusive, valid_until exclusive, null while current), so "the rep's group
    on day d" is one join with valid_from <= d < valid_until. CRM assignments may overlap;
    on a day two assignments cover, the later-starting one counts (then the higher
    assignment_id). Spans are cut at every assignment's start and end, and each span takes
    the assignment that wins on its first day (no start or end lies inside a span, so it
    wins on every day of it).
-#}
with

assignments as (

    select
        assignment_id,
        rep_id,
        group_id,
        valid_from,
        valid_to

    from {{ ref('stg_crm__rep_assignments') }}
    where valid_from is not null

),

groups as (

    select
        group_id,
        group_kind,
        region_tier

    from {{ ref('int_sales_groups_classified') }}

),

boundaries as (

    select
        rep_id,
        valid_from as boundary

    from assignments

    union

    select
        rep_id,
        valid_to as boundary

    from assignments
    where valid_to is not null

),

spans as (

    select
        rep_id,
        boundary as valid_from,
        lead(boundary) over (partition by rep_id order by boundary) as valid_until

    from boundaries

),

ranked as (

    select
        spans.rep_id,
        spans.valid_from,
        spans.valid_until,
        assignments.assignment_id,
        assignments.group_id,
        row_number() over (
            partition by spans.rep_id, spans.valid_from
            -- ids are text: by length first, so numeric-looking ids keep their numeric order
            order by
                assignments.valid_from desc,
                length(assignments.assignment_id) desc,
                assignments.assignment_id desc
        ) as assignment_rank

    from spans
    inner join assignments
        on assignments.rep_id = spans.rep_id
        and assignments.valid_from <= spans.valid_from
        and (assignments.valid_to is null or assignments.valid_to > spans.valid_from)

),

final as (

    select
        ranked.rep_id,
        ranked.valid_from,
        ranked.valid_until,
        ranked.assignment_id,
        ranked.group_id,
        groups.group_kind,
        groups.region_tier

    from ranked
    left join groups
        on groups.group_id = ranked.group_id
    where ranked.assignment_rank = 1

)

select * from final
