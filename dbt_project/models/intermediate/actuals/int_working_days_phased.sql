{#-
    The working-day calendar of each run quarter, one row per day: weekends (Saturday,
    Sunday) and the plan's holidays are not working days; weeks run Monday to Sunday and
    week 1 holds the quarter's first day. A working day's phasing weight is its week's weight
    from weekly_phasing.csv (unlisted weeks weigh 1); a quarter's target is spread over its
    days in proportion to these weights (phase_fraction sums to 1 over the quarter).
-#}
with

quarters as (

    select
        quarter,
        quarter_start_date,
        quarter_end_date,
        as_of_date

    from {{ ref('int_plan_quarters_resolved') }}

),

digits as (

    select 0 as digit union all select 1 union all select 2 union all select 3
    union all select 4 union all select 5 union all select 6 union all select 7
    union all select 8 union all select 9

),

-- 0..99 covers the longest quarter (92 days)
day_offsets as (

    select tens.digit * 10 + units.digit as day_offset

    from digits as tens
    cross join digits as units

),

days as (

    select
        quarters.quarter,
        quarters.quarter_start_date,
        quarters.as_of_date,
        {{ dbt.safe_cast(dbt.dateadd('day', 'day_offsets.day_offset', 'quarters.quarter_start_date'),
                         type_date()) }} as calendar_date

    from quarters
    cross join day_offsets
    where {{ dbt.dateadd('day', 'day_offsets.day_offset', 'quarters.quarter_start_date') }}
        <= quarters.quarter_end_date

),

holidays as (

    select
        holiday_date,
        holiday_name

    from {{ ref('holidays') }}

),

phasing as (

    select
        quarter,
        week_number,
        weight

    from {{ ref('weekly_phasing') }}

),

calendar as (

    select
        days.quarter,
        days.calendar_date,
        {{ dbt.safe_cast(dbt.date_trunc('week', 'days.calendar_date'), type_date()) }} as week_start,
        -- 2001-01-01 was a Monday: 0 = Monday ... 5 = Saturday, 6 = Sunday
        mod({{ dbt.datediff("cast('2001-01-01' as " ~ type_date() ~ ")", 'days.calendar_date',
                            'day') }}, 7) as weekday_number,
        cast(
            {{ dbt.datediff(dbt.date_trunc('week', 'days.quarter_start_date'),
                            dbt.date_trunc('week', 'days.calendar_date'), 'day') }} / 7
            as {{ dbt.type_int() }}
        ) + 1 as week_number,
        holidays.holiday_name,
        days.calendar_date <= days.as_of_date as is_to_date

    from days
    left join holidays
        on holidays.holiday_date = days.calendar_date

),

final as (

    select
        calendar.quarter,
        calendar.calendar_date,
        calendar.week_start,
        calendar.week_number,
        calendar.weekday_number,
        calendar.holiday_name,
        calendar.weekday_number < 5 and calendar.holiday_name is null as is_working_day,
        calendar.is_to_date,
        coalesce(phasing.weight, 1.0) as week_weight,
        case
            when calendar.weekday_number < 5 and calendar.holiday_name is null
                then coalesce(phasing.weight, 1.0)
            else 0.0
        end as phase_weight

    from calendar
    left join phasing
        on phasing.quarter = calendar.quarter
        and phasing.week_number = calendar.week_number

)

select
    quarter,
    calendar_date,
    week_start,
    week_number,
    weekday_number,
    holiday_name,
    is_working_day,
    is_to_date,
    week_weight,
    phase_weight,
    phase_weight / nullif(sum(phase_weight) over (partition by quarter), 0) as phase_fraction

from final
