{#- dbt's get_where_subquery, which wraps the model a data test reads in its `where`
    config, with one placeholder: __untested_rows__ (the staging folder's tests carry it,
    dbt_project.yml) becomes "the rows loaded after the last staging build whose tests all
    passed", SALES_TARGETS_STAGING_TESTED_THROUGH, which the pipeline sets; unset (a
    first, changed or hand-run build) it is every row. Rows loaded before it passed these
    same tests then, and a staging row never changes without a newer load. -#}
{% macro default__get_where_subquery(relation) -%}
    {%- set where = config.get('where', '') -%}
    {%- if where -%}
        {%- if '__untested_rows__' in where -%}
            {%- set through = env_var('SALES_TARGETS_STAGING_TESTED_THROUGH', '') -%}
            {%- set untested = "loaded_at > cast('" ~ through ~ "' as " ~ dbt.type_timestamp() ~ ")"
                if through else "1 = 1" -%}
            {%- set where = where | replace('__untested_rows__', untested) -%}
        {%- endif -%}
        {%- set filtered -%}
            (select * from {{ relation }} where {{ where }}) dbt_subquery
        {%- endset -%}
        {%- do return(filtered) -%}
    {%- else -%}
        {%- do return(relation) -%}
    {%- endif -%}
{%- endmacro %}
