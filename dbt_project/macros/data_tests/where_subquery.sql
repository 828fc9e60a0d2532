{#- dbt's get_where_subquery, which wraps the model a data test reads in its `where`
    config, with two placeholders (dbt_project.yml puts them on folders of tests):
    - __untested_rows__ (staging, the order history) becomes "the rows loaded after the
      last staging build whose tests all passed", SALES_TARGETS_STAGING_TESTED_THROUGH,
      which the pipeline sets; unset (a first, changed or hand-run build) it is every row.
      Rows loaded before it passed these same tests then, and a staging row never changes
      without a newer load.
    - __run_quarters__ (marts) becomes "the rows of the run window's quarters": a mart run
      deletes and re-inserts only its quarters, so the other quarters' rows are the ones
      their own run tested (the pandera contracts read the run's quarters the same way). -#}
{% macro default__get_where_subquery(relation) -%}
    {%- set where = config.get('where', '') -%}
    {%- if where -%}
        {%- if '__untested_rows__' in where -%}
            {%- set through = env_var('SALES_TARGETS_STAGING_TESTED_THROUGH', '') -%}
            {%- set untested = "loaded_at > cast('" ~ through ~ "' as " ~ dbt.type_timestamp() ~ ")"
                if through else "1 = 1" -%}
            {%- set where = where | replace('__untested_rows__', untested) -%}
        {%- endif -%}
        {%- if '__run_quarters__' in where -%}
            {%- set labels = [] -%}
            {%- for quarter in run_window_quarters() -%}
                {%- do labels.append("'" ~ quarter.label ~ "'") -%}
            {%- endfor -%}
            {%- set where = where | replace('__run_quarters__', "quarter in (" ~ labels | join(", ") ~ ")") -%}
        {%- endif -%}
        {%- set filtered -%}
            (select * from {{ relation }} where {{ where }}) dbt_subquery
        {%- endset -%}
        {%- do return(filtered) -%}
    {%- else -%}
        {%- do return(relation) -%}
    {%- endif -%}
{%- endmacro %}
