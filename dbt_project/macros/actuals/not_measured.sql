{#-
    Measures that need a source table a mapping may leave out (orchestration/ingest/
    mapping.py, OPTIONAL_TABLES). The pipeline passes the tables its mapping leaves out as
    SALES_TARGETS_UNMAPPED_TABLES (comma-separated, var unmapped_tables by hand); a measure
    needing one of them is published as null with its reason, never as 0, and never flagged.
    Which measure needs which table is stated here once.
-#}
{% macro measure_source_tables() -%}
    {{ return({
        "customer/new/lead_conversion_rate": ["leads"],
        "product/new/sell_through_30d": ["inventory_snapshots"],
        "product/long_tail/inventory_reduction": ["inventory_snapshots"],
        "action_kpi/leads": ["leads"],
        "action_kpi/new_customers": ["leads"],
        "action_spend": ["campaigns", "campaign_spend"],
    }) }}
{%- endmacro %}

{#- The tables this run's source mapping leaves out. -#}
{% macro unmapped_tables() -%}
    {%- set listed = pipeline_var("unmapped_tables", "") | string -%}
    {{ return(listed.replace(" ", "").split(",") | reject("equalto", "") | list) }}
{%- endmacro %}

{#- Why the `measures` together are not measured in this run, as a SQL literal naming
    every table they miss; null when none is missing. -#}
{% macro not_measured_literal(measures) -%}
    {%- set missing = [] -%}
    {%- for measure in measures -%}
        {%- for table in measure_source_tables().get(measure, []) -%}
            {%- if table in unmapped_tables() and table not in missing -%}
                {%- do missing.append(table) -%}
            {%- endif -%}
        {%- endfor -%}
    {%- endfor -%}
    {%- if missing -%}
        {%- set listed = missing[:-1] | join(", ") ~ " or " ~ missing[-1] if missing | length > 1
            else missing[0] -%}
        'not measured: the source mapping has no {{ listed }}'
    {%- else -%}
        cast(null as {{ dbt.type_string() }})
    {%- endif -%}
{%- endmacro %}

{#- A SQL expression: why the measure named by `measure_expression` (a column or literal),
    together with the measures `also`, is not measured in this run; null when it is. -#}
{% macro not_measured_reason(measure_expression, also=[]) -%}
    case {{ measure_expression }}
        {%- for measure in measure_source_tables() if measure not in also %}
        when '{{ measure }}' then {{ not_measured_literal([measure] + also) }}
        {%- endfor %}
        else {{ not_measured_literal(also) }}
    end
{%- endmacro %}

{#- A SQL expression: why the tree rate named by `node_expression` has no value although
    its tables are mapped: nothing to divide by yet (0 / 0). Published as null with this
    reason, never as 0, and never flagged. -#}
{% macro no_base_reason(node_expression) -%}
    case {{ node_expression }}
        when 'customer/new/lead_conversion_rate'
            then 'no base: no lead created in the quarter yet'
        when 'customer/existing/repurchase_rate'
            then 'no base: no existing customer at the quarter start'
        when 'customer/existing/churn_recall_rate'
            then 'no base: no churned customer at the quarter start'
        when 'customer/existing/aov_lift'
            then 'no base: no order of the existing segment in the quarter yet or last quarter'
        when 'product/new/sell_through_30d'
            then 'no base: no new product received stock in its first 30 days'
        when 'product/long_tail/inventory_reduction'
            then 'no base: no long-tail stock at the quarter start'
        else 'no base: nothing to divide by (0 / 0)'
    end
{%- endmacro %}
