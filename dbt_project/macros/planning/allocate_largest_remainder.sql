{#-
    Split each parent's amount (integer cents) among its children by weight, to the cent,
    with largest-remainder rounding: every child gets the floor of its exact share, and the
    cents left over go one each to the children with the largest remainders (ties: node_id).
    The children of a parent therefore always sum exactly to the parent.

    A child with `pinned_cents` (a revised target) keeps that amount; the others share what
    is left of the parent in proportion to their weights.

    weights_are_fractions: the weights are fractions of the parent (shares). Children then
    get exactly their fraction even when some siblings are absent (a plan preview without
    the org): the part of the parent no child covers stays unallocated, never inflates the
    others. Otherwise weights are relative and the children share the whole parent.

    parents:  relation/CTE with scenario, quarter, node_id, amount_cents
    children: relation/CTE with scenario, quarter, parent_node_id, allocation_set, node_id,
              weight (> 0), pinned_cents (null unless pinned) and the carry_columns.
              allocation_set separates independent splits of one parent (the dimensions
              under `total`).
    Returns a select of the carry_columns, the key columns and amount_cents.
-#}
{% macro allocate_largest_remainder(
    parents, children, carry_columns=[], weights_are_fractions=false
) %}
    {%- set split = "scenario, quarter, parent_node_id, allocation_set" -%}
    {%- set columns = carry_columns + [
        "scenario", "quarter", "parent_node_id", "allocation_set", "node_id",
        "weight", "pinned_cents",
    ] -%}
    {%- set column_list = columns | join(", ") -%}

    select
        {{ column_list }},
        coalesce(
            pinned_cents,
            floor_cents + case when remainder_rank <= leftover_cents then 1 else 0 end
        ) as amount_cents

    from (

        select
            {{ column_list }},
            floor_cents,
            split_cents - sum(floor_cents) over (partition by {{ split }}) as leftover_cents,
            row_number() over (
                partition by {{ split }}
                order by
                    case when pinned_cents is null then 0 else 1 end,
                    remainder desc,
                    node_id
            ) as remainder_rank

        from (

            select
                {{ column_list }},
                split_cents,
                {{ dbt.safe_cast("floor(quota)", dbt.type_bigint()) }} as floor_cents,
                quota - floor(quota) as remainder

            from (

                -- the exact share in cents; rounded to 1e-6 cent so that a share that is a
                -- whole number of cents is not floored one cent short by binary fractions
                select
                    {{ column_list }},
                    {% if weights_are_fractions -%}
                    {{ dbt.safe_cast(
                        "round(pool_cents * unpinned_weight / nullif(1 - pinned_weight, 0), 0)",
                        dbt.type_bigint()) }} as split_cents,
                    {%- else -%}
                    pool_cents as split_cents,
                    {%- endif %}
                    case
                        when pinned_cents is null
                            then round(
                                pool_cents * weight / nullif(
                                    {{ "1 - pinned_weight" if weights_are_fractions
                                       else "unpinned_weight" }}, 0),
                                6
                            )
                    end as quota

                from (

                    select
                        {% for column in columns %}children.{{ column }},{% endfor %}
                        parents.amount_cents - coalesce(
                            sum(children.pinned_cents) over (partition by
                                children.scenario, children.quarter,
                                children.parent_node_id, children.allocation_set),
                            0
                        ) as pool_cents,
                        coalesce(
                            sum(case when children.pinned_cents is null then children.weight end)
                                over (partition by
                                    children.scenario, children.quarter,
                                    children.parent_node_id, children.allocation_set),
                            0
                        ) as unpinned_weight,
                        coalesce(
                            sum(case when children.pinned_cents is not null then children.weight end)
                                over (partition by
                                    children.scenario, children.quarter,
                                    children.parent_node_id, children.allocation_set),
                            0
                        ) as pinned_weight

                    from {{ children }} as children
                    inner join {{ parents }} as parents
                        on parents.scenario = children.scenario
                        and parents.quarter = children.quarter
                        and parents.node_id = children.parent_node_id

                ) as pooled

            ) as quoted

        ) as floored

    ) as ranked
{% endmacro %}
