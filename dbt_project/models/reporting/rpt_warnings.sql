{#-
    Published warning flags: quarter x week x node x metric behind pace,
    with the two things a person reads, built here from fct_warnings' numbers and codes: who
    acts (owner) and one line to act on (message), e.g. "Tier-2 cities revenue: week 6 at
    71% of target, 3rd week below 80%; needs 412,300/day to finish".
-#}
with

warnings as (

    select
        quarter,
        week_start,
        week_number,
        node_id,
        node_name,
        dimension,
        metric,
        level,
        completion,
        threshold,
        amber_below,
        consecutive_weeks,
        owner_rep_id,
        owner_rep_name,
        measure_kind,
        judged_on,
        actual_to_date,
        target_to_date,
        remaining_working_days,
        required_daily_run_rate

    from {{ ref('fct_warnings') }}

),

final as (

    select
        quarter,
        week_start,
        week_number,
        node_id,
        node_name,
        dimension,
        metric,
        level,
        completion,
        threshold,
        consecutive_weeks,
        case
            when owner_rep_id is not null
                then coalesce(owner_rep_name, owner_rep_id) || ' (' || owner_rep_id || ')'
            when dimension = 'total' then 'Head of sales'
            when dimension = 'customer' then 'Customer team'
            when dimension = 'product' then 'Product team'
            when dimension = 'responsibility' then node_name
            else node_name || ' team'
        end as owner,
        owner_rep_id,
        node_name
            || case when metric = 'rate' then '' else ' ' || metric end
            || ': week '
            || cast(week_number as {{ dbt.type_string() }})
            -- rounded down, so a flagged node never reads as on the line ("80%" below 80%)
            || ' at ' || cast(cast(floor(completion * 100 + 1e-9) as {{ dbt.type_int() }})
                              as {{ dbt.type_string() }})
            || case when judged_on = 'to_date' then '% of target to date, ' else '% of target, ' end
            || cast(consecutive_weeks as {{ dbt.type_string() }})
            || case
                when consecutive_weeks % 100 in (11, 12, 13) then 'th'
                when consecutive_weeks % 10 = 1 then 'st'
                when consecutive_weeks % 10 = 2 then 'nd'
                when consecutive_weeks % 10 = 3 then 'rd'
                else 'th'
            end
            || ' week below '
            || cast(cast(round(amber_below * 100, 0) as {{ dbt.type_int() }})
                    as {{ dbt.type_string() }}) || '%'
            || case
                when measure_kind = 'level_rate'
                    then '; at ' || {{ format_fixed('actual_to_date * 100', 1) }}
                        || '% vs ' || {{ format_fixed('target_to_date * 100', 1) }} || '% planned'
                when remaining_working_days = 0 then '; the quarter is over'
                when measure_kind = 'accumulating_rate'
                    then '; needs ' || {{ format_fixed('required_daily_run_rate * 100', 2) }}
                        || ' points/day to finish'
                when metric = 'revenue'
                    then '; needs ' || {{ format_fixed('required_daily_run_rate', 0, thousands=true) }}
                        || '/day to finish'
                else '; needs ' || {{ format_fixed('required_daily_run_rate', 1, thousands=true) }}
                    || ' ' || metric || '/day to finish'
            end as message,
        -- the name of level from now on (level stays for one release, then goes)
        level as warning_level

    from warnings

)

select * from final
