{#-
    Published quarter review: quarter x finding (total, dimension,
    short_board, best, worst, resources, next_quarter), provisional for a running quarter.
    fct_quarter_review holds the numbers and codes; the sentence of each finding is written
    here, e.g. "Total revenue: 11,000,000 of 12,000,000 = 91.7%".
-#}
{%- set default_growth = var("suggested_growth_default") -%}
{%- set as_of_text = dbt.safe_cast('as_of_date', dbt.type_string()) -%}
{%- set metric_words = "case when metric = 'rate' then '' else ' ' || metric end" -%}

with

review as (

    select
        quarter,
        section,
        subject,
        metric,
        target_value,
        actual_value,
        completion,
        finding_order,
        is_provisional,
        as_of_date,
        subject_name,
        team_level,
        action_owner,
        action_flag,
        warning_line,
        spend,
        budget,
        window_elapsed_share,
        cost_per_outcome,
        budget_share,
        growth_rate,
        next_quarter,
        case when metric in ('leads', 'new_customers') then 'count' else 'rate' end as kpi_kind

    from {{ ref('fct_quarter_review') }}

),

written as (

    select
        quarter,
        section,
        subject,
        metric,
        target_value,
        actual_value,
        completion,
        finding_order,
        is_provisional,
        as_of_date,
        case
            when section = 'total' then
                'Total revenue: ' || {{ shown_value('actual_value', 'metric') }} || ' of '
                || {{ shown_value('target_value', 'metric') }} || ' = '
                || {{ shown_percent('completion') }}
                || case when is_provisional
                    then ' (provisional, as of ' || {{ as_of_text }} || ')' else '' end
            when section = 'dimension' then
                subject_name || {{ metric_words }} || ': '
                || {{ shown_value('actual_value', 'metric') }} || ' of '
                || {{ shown_value('target_value', 'metric') }} || ' = '
                || {{ shown_percent('completion') }}
            when section = 'short_board' then
                subject_name || {{ metric_words }} || ' at ' || {{ shown_percent('completion') }}
                || case when is_provisional then ' of its target to date' else '' end
                || ', below the ' || {{ shown_percent('warning_line') }} || ' line ('
                || {{ shown_value('actual_value', 'metric') }} || ' of '
                || {{ shown_value('target_value', 'metric') }}
                || case when is_provisional then ' due by ' || {{ as_of_text }} else '' end
                || ')'
            when section in ('best', 'worst') then
                case section when 'best' then 'Best ' else 'Worst ' end || team_level || ': '
                || subject_name || ' at ' || {{ shown_percent('completion') }} || ' ('
                || {{ shown_value('actual_value', "'revenue'") }} || ' of '
                || {{ shown_value('target_value', "'revenue'") }} || ')'
            when section = 'resources' and metric = 'budget' then
                'Budget line ' || subject || ' (' || {{ shown_percent('budget_share') }}
                || ' of the marketing budget): spent '
                || {{ shown_value('actual_value', "'money'") }}
                || ' of ' || {{ shown_value('target_value', "'money'") }}
                || case when actual_value > target_value then ', over the line' else '' end
            when section = 'resources' and metric = 'people' then
                'People added to ' || subject_name || ': '
                || {{ dbt.safe_cast(dbt.safe_cast('target_value', dbt.type_int()), dbt.type_string()) }}
                || '; group revenue completion ' || {{ shown_percent('completion') }}
                || case when completion < warning_line then ', below the line' else '' end
            when section = 'resources' then
                subject_name || ' (' || action_owner || '): '
                || case action_flag
                    when 'budget_spent_kpi_missed' then 'spent ' || {{ shown_value('spend', "'money'") }}
                        || ' of the ' || {{ shown_value('budget', "'money'") }} || ' budget but '
                    when 'over_budget' then 'over budget, spent ' || {{ shown_value('spend', "'money'") }}
                        || ' of ' || {{ shown_value('budget', "'money'") }} || '; '
                    when 'behind_pace' then 'behind pace with '
                        || {{ shown_percent('window_elapsed_share') }} || ' of the window gone: '
                    else 'KPI missed: '
                end
                || metric || ' ' || {{ shown_value('actual_value', 'kpi_kind') }} || ' of '
                || {{ shown_value('target_value', 'kpi_kind') }} || ' = '
                || {{ shown_percent('completion') }}
                || case when cost_per_outcome is not null
                    then '; cost per outcome ' || {{ shown_value('cost_per_outcome', "'money'") }}
                    else '' end
            when section = 'next_quarter' then
                'Suggested ' || next_quarter || ' total: '
                || {{ shown_value('target_value', "'revenue'") }}
                || ' = ' || quarter || ' actual ' || {{ shown_value('actual_value', "'revenue'") }}
                || ' x (1 + ' || {{ shown_percent('growth_rate') }}
                || '); rule: growth = this quarter''s revenue_growth, else '
                || {{ shown_percent(default_growth) }} || '; each dimension''s shares move halfway to '
                || 'this quarter''s actual mix (sales-targets plan suggest)'
        end as finding

    from review

),

final as (

    select
        quarter,
        section,
        subject,
        metric,
        target_value,
        actual_value,
        completion,
        finding,
        {{ dbt.safe_cast('finding_order', 'integer') }} as finding_order,
        is_provisional,
        as_of_date

    from written

)

select * from final
