{#-
    One row per quarter of the run window (pipeline vars quarter_start..quarter_end, whole
    quarters) with its label, dates and as-of date: the calendar every other model reads.
-#}
{%- set quarters = run_window_quarters() -%}

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
