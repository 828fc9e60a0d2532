"""A small published store (the `rpt_*` tables) written directly."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import duckdb
import pytest

from orchestration.settings import Settings

STORE_TABLES = {
    "rpt_target_tree": """
        select * from (values
            ('2026Q3', 'total', null, 'total', 0, 'Quarter total', 'revenue',
             12000000.00, 12000000.00, null),
            ('2026Q3', 'customer/existing', 'total', 'customer', 1, 'Existing customers',
             'revenue', 7200000.00, 7200000.00, null),
            ('2026Q3', 'customer/new', 'total', 'customer', 1, 'New customers', 'revenue',
             4800000.00, 4800000.00, null),
            ('2026Q3', 'product/new', 'total', 'product', 1, 'New products', 'units',
             2500, 3000, 'launch slipped two weeks')
        ) t(quarter, node_id, parent_node_id, dimension, level, node_name, metric,
            target_value, original_target_value, revision_reason)
    """,
    "rpt_warnings": """
        select * from (values
            ('2026Q3', date '2026-07-13', 'team/tier1/g-star-01', 'revenue', 'amber', 0.75,
             0.8, 1, 'Rep 017', 'team/tier1/g-star-01 is at 75% of its weekly target'),
            ('2026Q3', date '2026-07-20', 'team/tier1/g-star-01', 'revenue', 'red', 0.55,
             0.6, 2, 'Rep 017', 'two weeks behind: 55% of the weekly target')
        ) t(quarter, week_start, node_id, metric, level, completion, threshold,
            consecutive_weeks, owner, message)
    """,
    "rpt_action_plans": """
        select * from (values
            ('2026Q3', 'online-ads', 'Online ads', 'Rep 017', date '2026-07-01',
             date '2026-07-31', 500000.00, 480000.00, 'new_customers', 400, 380, 0.95,
             1263.16, 'on_track')
        ) t(quarter, action_id, action_name, owner, start_date, end_date, budget, spend, kpi,
            kpi_target, kpi_actual, kpi_completion, cost_per_outcome, flag)
    """,
}


def write_store(path: Path, extra_sql: list[str] | None = None) -> Path:
    """A store file with the tables above (money as DECIMAL(18,2)), plus `extra_sql`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with duckdb.connect(str(path)) as connection:
        for table, select in STORE_TABLES.items():
            connection.execute(f"create table {table} as {select}")
        connection.execute("alter table rpt_target_tree alter target_value type decimal(18, 2)")
        for statement in extra_sql or []:
            connection.execute(statement)
    return path


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings().with_data_dir(tmp_path / "data")


@pytest.fixture
def store(settings: Settings) -> Callable[..., Path]:
    """Call to write the served store: `store(["update ..."])`."""

    def write(extra_sql: list[str] | None = None) -> Path:
        return write_store(settings.reporting_path, extra_sql)

    return write
