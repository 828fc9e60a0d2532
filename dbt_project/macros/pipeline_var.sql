{#- A setting of the run: the environment variable SALES_TARGETS_<NAME> when set (the
    pipeline passes the run window this way), else the dbt var. Vars given on the command
    line make dbt re-parse the whole project on every new window; an environment variable
    read at compile time does not. `dbt build --vars '{...}'` by hand still works. -#}
{% macro pipeline_var(name, default=none) -%}
    {{- return(env_var("SALES_TARGETS_" ~ (name | upper), var(name, default) | string)) -}}
{%- endmacro %}
