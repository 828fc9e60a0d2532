{#- The run window's quarters (pipeline vars quarter_start..quarter_end, whole quarters),
    each a dict: label, start, end, as_of, status_as_of, previous_start, previous_end (ISO
    dates). int_run_quarters_dated makes them the calendar every model reads; the marts'
    data tests read only their rows (macros/data_tests/where_subquery.sql). -#}
{% macro run_window_quarters() -%}
    {%- set fiscal_year_start_month = pipeline_var("fiscal_year_start_month") | int -%}
    {%- set first_day = modules.datetime.date.fromisoformat(pipeline_var("quarter_start")) -%}
    {%- set last_day = modules.datetime.date.fromisoformat(pipeline_var("quarter_end")) -%}
    {%- set as_of = modules.datetime.date.fromisoformat(pipeline_var("as_of_date")) -%}
    {#- set only by an explicit restatement: status changes up to this day count for the run's
        quarters, so a closed quarter takes in refunds recorded after it closed -#}
    {%- set restated_through = pipeline_var("restated_through", "") -%}
    {%- set first_index = first_day.year * 12 + first_day.month - 1 -%}
    {%- set last_index = last_day.year * 12 + last_day.month - 1 -%}
    {%- if first_day.day != 1 or (first_day.month - fiscal_year_start_month) % 3 != 0 -%}
        {{ exceptions.raise_compiler_error(
            "var quarter_start " ~ first_day ~ " is not the first day of a fiscal quarter") }}
    {%- endif -%}
    {%- if (last_index - first_index) % 3 != 2 -%}
        {{ exceptions.raise_compiler_error(
            "var quarter_end " ~ last_day ~ " is not in the last month of a quarter starting on "
            ~ "or after quarter_start " ~ first_day) }}
    {%- endif -%}

    {%- set quarters = [] -%}
    {%- for offset in range(0, last_index - first_index + 1, 3) -%}
        {%- set index = first_index + offset -%}
        {%- set next_index = index + 3 -%}
        {%- set previous_index = index - 3 -%}
        {%- set start = modules.datetime.date(index // 12, index % 12 + 1, 1) -%}
        {%- set end = modules.datetime.date(next_index // 12, next_index % 12 + 1, 1)
            - modules.datetime.timedelta(days=1) -%}
        {%- set previous_start = modules.datetime.date(previous_index // 12, previous_index % 12 + 1, 1) -%}
        {#- a fiscal year is named after the calendar year it ends in (see partitions.py) -#}
        {%- set shifted = index + (13 - fiscal_year_start_month) % 12 -%}
        {%- do quarters.append({
            "label": (shifted // 12) ~ "Q" ~ ((shifted % 12) // 3 + 1),
            "start": start.isoformat(),
            "end": end.isoformat(),
            "as_of": ([end, as_of] | min).isoformat(),
            "status_as_of": ([[end, as_of] | min, modules.datetime.date.fromisoformat(restated_through)]
                | max).isoformat() if restated_through else ([end, as_of] | min).isoformat(),
            "previous_start": previous_start.isoformat(),
            "previous_end": (start - modules.datetime.timedelta(days=1)).isoformat(),
        }) -%}
    {%- endfor -%}
    {{- return(quarters) -}}
{%- endmacro %}
