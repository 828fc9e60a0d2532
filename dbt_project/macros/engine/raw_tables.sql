{#-
    The raw tables the sources read, where the engine finds them. On DuckDB ingestion
    writes them into the warehouse's `raw` schema: nothing to do. On Spark they are Parquet
    folders (orchestration/transform/spark_raw.py, `<SALES_TARGETS_SPARK_DIR>/raw/<table>`)
    declared here, at the start of every run, as the tables of the `raw` database, so the
    table always reads the folder as landed last (a folder's schema may have changed).
-#}
{% macro register_raw_tables() -%}
    {{- return(adapter.dispatch("register_raw_tables", "sales_targets")()) -}}
{%- endmacro %}

{% macro default__register_raw_tables() -%}
{%- endmacro %}

{% macro spark__register_raw_tables() -%}
    {%- if execute -%}
        {%- set raw_dir = env_var("SALES_TARGETS_SPARK_DIR", "../data/spark") ~ "/raw" -%}
        {%- set schemas = [] -%}
        {%- for source in graph.sources.values() -%}
            {%- if source.schema not in schemas -%}
                {%- do run_query("create database if not exists " ~ source.schema) -%}
                {%- do schemas.append(source.schema) -%}
            {%- endif -%}
            {%- set table = source.schema ~ "." ~ source.identifier -%}
            {%- do run_query("drop table if exists " ~ table) -%}
            {%- do run_query("create table " ~ table ~ " using parquet location '"
                ~ raw_dir ~ "/" ~ source.identifier ~ "'") -%}
        {%- endfor -%}
    {%- endif -%}
{%- endmacro %}
