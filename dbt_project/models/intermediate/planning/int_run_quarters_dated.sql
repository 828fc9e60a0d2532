{#-
    One row per quarter of the run window (pipeline vars quarter_start..quarter_end, whole
    quarters) with its label, dates and as-of date: the calendar every other model reads.
-#}
{#- Read when the model runs, not when dbt parses it: an environment variable read at parse
    time is recorded against the file, and dbt re-parses the file whenever its value
    changes, which the window does in every invocation (each run has its own; the staging
    build has none), costing each invocation about half a second. -#}
{%- set quarters = run_window_quarters() if execute else [] -%}

with

window_quarters as (

    {% for quarter in quarters %}
    select
        '{{ quarter.label }}' as quarter,
        cast('{{ quarter.start }}' as {{ type_date() }}) as quarter_start_date,
        cast('{{ quarter.end }}' as {{ type_date() }}) as quarter_end_date,
        cast('{{ quarter.as_of }}' as {{ type_date() }}) as as_of_date,
        cast('{{ quarter.status_as_of }}' as {{ type_date() }}) as status_as_of_date,
        cast('{{ quarter.previous_start }}' as {{ type_date() }}) as previous_quarter_start_date,
        cast('{{ quarter.previous_end }}' as {{ type_date() }}) as previous_quarter_end_date
    {% if not loop.last %}union all{% endif %}
    {% endfor %}

)

select * from window_quarters
