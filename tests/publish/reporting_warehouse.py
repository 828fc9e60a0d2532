"""A small warehouse with `reporting.rpt_*` tables shaped like the published ones.

Importable outside pytest: the subprocess publishers of the kill tests use it too.
"""

from __future__ import annotations

import duckdb

from orchestration.settings import Settings

QUARTERS = ("2026Q2", "2026Q3")
CUSTOMERS = (
    ("c-001", "Zhang Wei", "zhang.wei@example.com", "+86 138 1234 5678"),
    ("c-002", "Maria Gonzalez", "maria.g@example.org", "(555) 201-7788"),
)


def write_warehouse(
    settings: Settings, version: int = 1, weeks: int = 4, nodes: int | None = None
) -> dict[str, int]:
    """(Re)write the warehouse's reporting tables as version `version`; return row counts.

    Each version has a different number of rows, so a reader can tell versions apart and
    check a store against its own `rpt_publication.row_counts`.
    """
    settings.warehouse_path.parent.mkdir(parents=True, exist_ok=True)
    nodes = (nodes or 5) + version
    connection = duckdb.connect(str(settings.warehouse_path))
    try:
        connection.execute("create schema if not exists reporting")
        connection.execute("create schema if not exists raw")
        connection.execute(
            """
            create or replace table reporting.rpt_target_tree as
            select q.quarter,
                   case when n.i = 0 then 'total'
                        else 'team/tier1/rep-' || lpad(n.i::varchar, 3, '0') end as node_id,
                   case when n.i = 0 then null else 'total' end as parent_node_id,
                   case when n.i = 0 then 'total' else 'team' end as dimension,
                   case when n.i = 0 then 0 else 3 end as level,
                   case when n.i = 0 then 'Quarter total' else 'Rep ' || n.i end as node_name,
                   'revenue' as metric,
                   cast(1000000 + n.i * 1000 + ? as decimal(18, 2)) as target_value,
                   cast(1000000 + n.i * 1000 as decimal(18, 2)) as original_target_value,
                   cast(null as varchar) as revision_reason
            from (select unnest(?::varchar[]) as quarter) q, range(?) n(i)
            """,
            [version, list(QUARTERS), nodes],
        )
        connection.execute(
            """
            create or replace table reporting.rpt_progress_weekly as
            select q.quarter,
                   date '2026-04-06' + cast(7 * w.i as integer) as week_start,
                   'team/tier1/rep-' || lpad(n.i::varchar, 3, '0') as node_id,
                   'revenue' as metric,
                   cast(10000 as decimal(18, 2)) as week_target,
                   cast(8000 + n.i as decimal(18, 2)) as week_actual,
                   (8000 + n.i) / 10000.0 as week_completion,
                   cast(10000 * (w.i + 1) as decimal(18, 2)) as target_to_date,
                   cast((8000 + n.i) * (w.i + 1) as decimal(18, 2)) as actual_to_date,
                   (8000 + n.i) / 10000.0 as completion_to_date,
                   cast(104000 as decimal(18, 2)) as projected_quarter_end,
                   cast(150 as decimal(18, 2)) as required_daily_run_rate
            from (select unnest(?::varchar[]) as quarter) q, range(?) w(i), range(?) n(i)
            """,
            [list(QUARTERS), weeks, nodes],
        )
        connection.execute(
            """
            create or replace table reporting.rpt_team_performance as
            select q.quarter, 'rep' as level,
                   'team/tier1/rep-' || lpad(n.i::varchar, 3, '0') as node_id,
                   'Rep ' || n.i as node_name,
                   cast(100000 as decimal(18, 2)) as target_value,
                   cast(90000 + n.i as decimal(18, 2)) as actual_value,
                   (90000 + n.i) / 100000.0 as completion,
                   cast(row_number() over (partition by q.quarter order by n.i desc) as integer)
                       as rank_in_level
            from (select unnest(?::varchar[]) as quarter) q, range(?) n(i)
            """,
            [list(QUARTERS), nodes],
        )
        connection.execute(
            "create or replace table raw.load_watermarks "
            "(source_table varchar, watermark timestamp, batch_id varchar)"
        )
        connection.execute(
            "insert into raw.load_watermarks values "
            "('orders', timestamp '2026-08-01 00:00:00', 'b-old'), "
            f"('orders', timestamp '2026-09-0{min(version, 9)} 00:00:00', 'b-{version}'), "
            "('customers', timestamp '2026-08-31 12:00:00', 'b-c')"
        )
        connection.execute(
            "create or replace table raw.customers "
            "(customer_id varchar, customer_name varchar, email varchar, phone varchar)"
        )
        connection.executemany("insert into raw.customers values (?, ?, ?, ?)", CUSTOMERS)
        counts = {
            table: connection.execute(f"select count(*) from reporting.{table}").fetchone()[0]
            for table in ("rpt_progress_weekly", "rpt_target_tree", "rpt_team_performance")
        }
    finally:
        connection.close()
    return counts
