{#- The raw version log a staging model reads. Built whole (first run, --full-refresh, a
    Spark table), that is every version; as an incremental table, only the versions of the
    keys (`unique_key`) that gained a version since the table's newest `loaded_at`, so each
    such key's latest version is still chosen among all of its versions, and the nightly
    run reads the history once, as an index lookup, instead of re-ranking all of it. -#}
{% macro versions_of_changed_keys(raw_relation) -%}
    {%- if is_incremental() -%}
        {%- set key = config.get('unique_key') -%}
        {%- set keys = [key] if key is string else key -%}
        {%- set key_list = keys | join(', ') -%}
    (
        select * from {{ raw_relation }}
        where ({{ key_list }}) in (
            select {{ key_list }} from {{ raw_relation }}
            where _loaded_at > (
                select coalesce(max(loaded_at), cast('1900-01-01' as {{ dbt.type_timestamp() }}))
                from {{ this }}
            )
        )
    ) as versions_of_changed_keys
    {%- else -%}
    {{ raw_relation }}
    {%- endif -%}
{%- endmacro %}
