"""The lower bounds each pipeline figure is divided by, measured in the same run.

- ingestion: a bare DB-API read (`sqlite3` cursor, `fetchmany`) of the same columns of the
  same source tables: no typing, validation, quarantine or DuckDB write;
- transformation: one hand-written DuckDB script computing the revenue target vs actual
  of every team node and customer segment of one quarter, as of a date, straight from the
  raw version logs (no dbt, no views, no tests). Its actuals must equal the pipeline's
  `marts.fct_node_actuals`, or the comparison is void (checked by `compare_actuals`).
"""

from __future__ import annotations

import sqlite3
import time
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import duckdb

from orchestration.ingest.source_tables import SOURCE_TABLES

FETCH_SIZE = 50_000  # the same rows per round trip as the pipeline's default chunk


@dataclass(frozen=True)
class FetchRate:
    rows: int
    seconds: float

    @property
    def rows_per_second(self) -> float:
        return self.rows / self.seconds if self.seconds > 0 else 0.0


def dbapi_fetch(crm_sqlite: Path, orders_sqlite: Path, fetch_size: int = FETCH_SIZE) -> FetchRate:
    """Read every source table's columns with a plain sqlite3 cursor; count the rows."""
    files = {"crm": crm_sqlite, "orders": orders_sqlite}
    rows = 0
    started = time.perf_counter()
    for system, path in files.items():
        connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            for source in (s for s in SOURCE_TABLES if s.system == system):
                columns = ", ".join(f'"{name}"' for name in source.column_names)
                cursor = connection.execute(f'select {columns} from "{source.name}"')
                while batch := cursor.fetchmany(fetch_size):
                    rows += len(batch)
        finally:
            connection.close()
    return FetchRate(rows=rows, seconds=time.perf_counter() - started)


# One statement, parameters inlined as literals by `hand_written_sql`. The rules follow the
# dbt models it stands in for (int_order_statuses_resolved, int_customers_classified,
# int_order_lines_classified): latest version per key; an order of the quarter counts with
# its status at the end of the as-of date, an older order with its status at the quarter's
# start (its earliest status when it was entered later); an order first seen cancelled or
# refunded was booked completed on its order date (int_order_status_versions_reconstructed);
# a customer is `existing` when a completed order precedes the quarter; the team is the
# rep's one node of the quarter (the group of its first day, else the first group joined).
HAND_WRITTEN_SQL = """
with
latest_orders as (
    select distinct on (order_id) order_id, customer_id, rep_id, order_date
    from raw.orders
    order by order_id, updated_at desc, _loaded_at desc
),
dated_orders as (
    select
        order_id, customer_id, rep_id, order_date,
        order_date >= date '{quarter_start}' as is_in_quarter,
        case when order_date >= date '{quarter_start}'
            then timestamp '{status_cutoff}' else timestamp '{quarter_start}' end as cutoff
    from latest_orders
    where order_date <= date '{as_of}'
),
order_versions as (
    select order_id, status, updated_at from raw.orders
    union all
    select order_id, 'completed', cast(order_date as timestamp)
    from (
        select distinct on (order_id) order_id, order_date, status, updated_at
        from raw.orders
        order by order_id, updated_at
    ) as first_seen
    where status <> 'completed' and cast(order_date as timestamp) < updated_at
),
resolved_orders as (
    select
        dated_orders.order_id, dated_orders.customer_id, dated_orders.rep_id,
        dated_orders.order_date, dated_orders.is_in_quarter,
        coalesce(
            max_by(versions.status, versions.updated_at)
                filter (where versions.updated_at < dated_orders.cutoff),
            min_by(versions.status, versions.updated_at)
        ) = 'completed' as is_completed
    from dated_orders
    inner join order_versions as versions on versions.order_id = dated_orders.order_id
    group by all
),
returning_customers as (
    select distinct customer_id
    from resolved_orders
    where is_completed and not is_in_quarter and customer_id is not null
),
quarter_orders as (
    select
        resolved_orders.order_id, resolved_orders.rep_id, resolved_orders.order_date,
        case when returning_customers.customer_id is null then 'new' else 'existing' end
            as customer_segment
    from resolved_orders
    left join returning_customers on returning_customers.customer_id = resolved_orders.customer_id
    where resolved_orders.is_in_quarter and resolved_orders.is_completed
),
assignments as (
    select distinct on (assignment_id) assignment_id, rep_id, group_id, valid_from, valid_to
    from raw.rep_assignments
    order by assignment_id, updated_at desc, _loaded_at desc
),
groups as (
    select distinct on (group_id) group_id, region_id
    from raw.sales_groups
    order by group_id, updated_at desc, _loaded_at desc
),
regions as (
    select distinct on (region_id) region_id, tier
    from raw.regions
    order by region_id, updated_at desc, _loaded_at desc
),
-- each rep's one node of the quarter: the assignment of its first day, else the first one
-- starting by the as-of date
rep_nodes as (
    select
        rep_id,
        -- ids are text: by length first, so numeric-looking ids keep their numeric order
        first(group_id order by
              case when valid_from <= date '{quarter_start}' then 0 else 1 end,
              case when valid_from <= date '{quarter_start}' then valid_from end desc,
              valid_from,
              length(assignment_id) desc, assignment_id desc) as group_id
    from assignments
    where valid_from <= date '{as_of}'
        and (valid_to is null or valid_to > date '{quarter_start}')
    group by rep_id
),
order_teams as (
    select
        quarter_orders.order_id, quarter_orders.rep_id, quarter_orders.customer_segment,
        rep_nodes.group_id
    from quarter_orders
    left join rep_nodes on rep_nodes.rep_id = quarter_orders.rep_id
),
order_nodes as (
    select order_teams.*, regions.tier
    from order_teams
    left join groups on groups.group_id = order_teams.group_id
    left join regions on regions.region_id = groups.region_id
),
lines as (
    select distinct on (order_line_id) order_line_id, order_id, net_amount
    from raw.order_lines
    order by order_line_id, updated_at desc, _loaded_at desc
),
revenue as (
    select order_nodes.customer_segment, order_nodes.tier, order_nodes.group_id,
        order_nodes.rep_id, sum(lines.net_amount) as amount
    from order_nodes
    inner join lines on lines.order_id = order_nodes.order_id
    group by all
),
actuals as (
    select coalesce('team/' || tier, 'team/unassigned') as node_id, sum(amount) as actual
    from revenue group by all
    union all
    select 'team/' || tier || '/' || group_id, sum(amount)
    from revenue where tier is not null group by all
    union all
    select 'team/' || tier || '/' || group_id || '/' || rep_id, sum(amount)
    from revenue where tier is not null group by all
    union all
    select 'customer/' || customer_segment, sum(amount) from revenue group by all
),
targets as (
    select node_id, target_value
    from marts.fct_target_tree
    where quarter = '{quarter}' and metric = 'revenue'
)
select
    actuals.node_id,
    targets.target_value as target,
    actuals.actual,
    actuals.actual / nullif(targets.target_value, 0) as completion
from actuals
left join targets on targets.node_id = actuals.node_id
order by actuals.node_id
"""


def hand_written_sql(quarter: str, quarter_start: date, as_of: date) -> str:
    return HAND_WRITTEN_SQL.format(
        quarter=quarter,
        quarter_start=quarter_start.isoformat(),
        as_of=as_of.isoformat(),
        status_cutoff=(as_of + timedelta(days=1)).isoformat(),
    )


@dataclass(frozen=True)
class HandWrittenResult:
    seconds: float
    actuals: dict[str, float]  # node_id -> revenue actual
    nodes_with_target: int


def run_hand_written(
    warehouse: Path, quarter: str, quarter_start: date, as_of: date, memory_limit: str
) -> HandWrittenResult:
    """Time one DuckDB connection running the script, from opening the file to the result.

    The targets (a few hundred plan rows) are read from the target tree the pipeline built:
    allocating the plan is not what this bound measures. It runs under the pipeline's
    DuckDB memory cap: the same machine budget for both sides of the ratio.
    """
    started = time.perf_counter()
    connection = duckdb.connect(
        str(warehouse), read_only=True, config={"memory_limit": memory_limit}
    )
    try:
        rows = connection.execute(hand_written_sql(quarter, quarter_start, as_of)).fetchall()
    finally:
        connection.close()
    seconds = time.perf_counter() - started
    return HandWrittenResult(
        seconds=seconds,
        actuals={node: float(actual) for node, _target, actual, _completion in rows},
        nodes_with_target=sum(1 for row in rows if row[1] is not None),
    )


def compare_actuals(warehouse: Path, quarter: str, expected: dict[str, float]) -> list[str]:
    """Nodes where the pipeline's revenue actual differs from the hand-written one (by a cent)."""
    connection = duckdb.connect(str(warehouse), read_only=True)
    try:
        rows = connection.execute(
            "select node_id, actual_value from marts.fct_node_actuals "
            "where quarter = ? and metric = 'revenue'",
            [quarter],
        ).fetchall()
    finally:
        connection.close()
    pipeline = {node: float(value or 0) for node, value in rows}
    return [
        f"{node}: pipeline {pipeline.get(node)!r}, hand-written {value:.2f}"
        for node, value in sorted(expected.items())
        if node not in pipeline or abs(pipeline[node] - value) > 0.01
    ]
