{#-
    The weeks of each run quarter that have started by its as-of date (only those are
    reported), with the phasing figures progress control needs. A week is measured through
    reported_through = least(its last day in the quarter, as-of date): the week holding the
    as-of date is a partial week whose target covers only its working days so far.
    - week_phase_fraction: share of the quarter's target due in the week (to reported_through);
    - phase_fraction_to_date: share due from the quarter's first day to reported_through;
    - recent_working_days: working days of this and the previous week up to reported_through
      (the window of the recent run rate);
    - remaining_working_days: working days after reported_through to the quarter's end.
-#}
with

days as (

    select
        quarter,
        calendar_date,
        week_start,
        week_number,
        is_working_day,
        phase_fraction

    from {{ ref('int_working_days_phased') }}

),

quarters as (

    select
        quarter,
        quarter_start_date,
        quarter_end_date,
        as_of_date

    from {{ ref('int_plan_quarters_resolved') }}

),

weeks as (

    select
        days.quarter,
        days.week_start,
        days.week_number,
        min(days.calendar_date) as first_date,
        max(days.calendar_date) as last_date,
        sum(case when days.is_working_day then 1 else 0 end) as working_days_in_week

    from days
    group by days.quarter, days.week_start, days.week_number

),

reported_weeks as (

    select
        weeks.quarter,
        weeks.week_start,
        weeks.week_number,
        weeks.first_date,
        weeks.last_date,
        weeks.working_days_in_week,
        case
            when weeks.last_date < quarters.as_of_date then weeks.last_date
            else quarters.as_of_date
        end as reported_through,
        quarters.as_of_date,
        quarters.quarter_end_date

    from weeks
    inner join quarters
        on quarters.quarter = weeks.quarter
    where weeks.first_date <= quarters.as_of_date

),

measured as (

    select
        reported_weeks.quarter,
        reported_weeks.week_start,
        sum(case
            when days.week_start = reported_weeks.week_start
                and days.calendar_date <= reported_weeks.reported_through
                then days.phase_fraction else 0 end) as week_phase_fraction,
        sum(case
            when days.calendar_date <= reported_weeks.reported_through
                then days.phase_fraction else 0 end) as phase_fraction_to_date,
        sum(case
            when days.week_start = reported_weeks.week_start
                and days.calendar_date <= reported_weeks.reported_through
                and days.is_working_day then 1 else 0 end) as week_working_days_to_date,
        sum(case
            when days.calendar_date <= reported_weeks.reported_through
                and days.is_working_day then 1 else 0 end) as working_days_to_date,
        sum(case
            when days.week_start >= {{ dbt.dateadd('day', -7, 'reported_weeks.week_start') }}
                and days.calendar_date <= reported_weeks.reported_through
                and days.is_working_day then 1 else 0 end) as recent_working_days,
        sum(case
            when days.calendar_date > reported_weeks.reported_through
                and days.is_working_day then 1 else 0 end) as remaining_working_days

    from reported_weeks
    inner join days
        on days.quarter = reported_weeks.quarter
    group by reported_weeks.quarter, reported_weeks.week_start

),

final as (

    select
        reported_weeks.quarter,
        reported_weeks.week_start,
        reported_weeks.week_number,
        reported_weeks.first_date,
        reported_weeks.last_date,
        reported_weeks.reported_through,
        reported_weeks.reported_through = reported_weeks.as_of_date as is_as_of_week,
        reported_weeks.working_days_in_week,
        measured.week_working_days_to_date,
        measured.working_days_to_date,
        measured.recent_working_days,
        measured.remaining_working_days,
        coalesce(measured.week_phase_fraction, 0) as week_phase_fraction,
        coalesce(measured.phase_fraction_to_date, 0) as phase_fraction_to_date

    from reported_weeks
    inner join measured
        on measured.quarter = reported_weeks.quarter
        and measured.week_start = reported_weeks.week_start

)

select * from final
