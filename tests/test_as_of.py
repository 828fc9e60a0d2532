"""A closed quarter keeps its numbers when refunds for it arrive later; --restate takes them in.

The demo order system keeps one row per order (the current status), as many real sources
do: a refund rewrites the row. The pipeline must still count a closed quarter with each
order's status as of the quarter's last day, so a backfill after late refunds publishes the
same rows, byte for byte, and only an explicit restatement changes them.
"""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
from datetime import date
from decimal import Decimal

import dagster as dg
import duckdb
import pytest

from orchestration.runner import run_quarters
from tests.conftest import DOCS_AND_REPORT

pytestmark = pytest.mark.slow

CLOSED_QUARTER = "2026Q2"
CLOSED_QUARTER_START = date(2026, 4, 1)
LATE_REFUND_AT = "2026-11-30 10:00:00"  # after every version the first run loaded
LATE_REFUNDS = 15


def published_rows_digest(store_path, quarter: str) -> dict[str, str]:
    """A digest of every published table's rows of one quarter, in a stable order."""
    digests = {}
    with duckdb.connect(str(store_path), read_only=True) as store:
        tables = [
            name
            for (name,) in store.execute("show tables").fetchall()
            if name.startswith("rpt_") and name != "rpt_publication"
        ]
        for table in tables:
            rows = store.execute(
                f"select * from {table} where quarter = ? order by all", [quarter]
            ).fetchall()
            digests[table] = hashlib.sha256(repr(rows).encode()).hexdigest()
    return digests


def total_revenue(store_path, quarter: str) -> Decimal:
    with duckdb.connect(str(store_path), read_only=True) as store:
        (value,) = store.execute(
            "select actual_to_date from rpt_progress_weekly "
            "where quarter = ? and node_id = 'total' and metric = 'revenue' "
            "order by week_start desc limit 1",
            [quarter],
        ).fetchone()
    return Decimal(value)


def refund_late(orders_db, warehouse_path) -> tuple[list[str], Decimal]:
    """Refund completed orders of the closed quarter now; return them and their revenue.

    The revenue is summed from the source's own lines, not from any pipeline table.
    """
    with duckdb.connect(str(warehouse_path), read_only=True) as warehouse:
        order_ids = [
            order_id
            for (order_id,) in warehouse.execute(
                "select order_id from staging.stg_orders__orders "
                "where status = 'completed' and order_date between ? and ? "
                "and order_id in (select order_id from staging.stg_orders__order_lines) "
                "order by length(order_id), order_id limit ?",
                [CLOSED_QUARTER_START, date(2026, 6, 30), LATE_REFUNDS],
            ).fetchall()
        ]
    marks = ",".join("?" * len(order_ids))
    with sqlite3.connect(orders_db) as source:
        source.execute(
            f"update orders set status = 'refunded', updated_at = ? where order_id in ({marks})",
            [LATE_REFUND_AT, *order_ids],
        )
        (revenue,) = source.execute(
            f"select sum(cast(net_amount as text)) from (select distinct order_line_id, "
            f"net_amount from order_lines where order_id in ({marks}))",
            order_ids,
        ).fetchone()
    return order_ids, Decimal(str(revenue)).quantize(Decimal("0.01"))


def revenue_changed_after_close(orders_db, warehouse_path) -> Decimal:
    """Revenue of the closed quarter's orders cancelled or refunded after it closed.

    Read from the source rows (status, updated_at, lines); the warehouse only says which
    lines ingestion accepted (dirty lines are quarantined and never counted).
    """
    with duckdb.connect(str(warehouse_path), read_only=True) as warehouse:
        accepted = {
            line_id
            for (line_id,) in warehouse.execute(
                "select order_line_id from staging.stg_orders__order_lines"
            ).fetchall()
        }
    with sqlite3.connect(orders_db) as source:
        lines = source.execute(
            "select distinct l.order_line_id, cast(l.net_amount as text) from order_lines l "
            "join orders o on o.order_id = l.order_id "
            "where o.status <> 'completed' and o.updated_at >= '2026-07-01' "
            "and o.order_date between '2026-04-01' and '2026-06-30'"
        ).fetchall()
    return sum((Decimal(amount) for line_id, amount in lines if line_id in accepted), Decimal(0))


def test_late_refunds_leave_a_closed_quarter_identical_until_restated(
    tmp_path, demo_sources, published_demo
):
    """Starts from the shared run of 2026Q2..2026Q3 (a copy of its data dir and sources)."""
    sources = tmp_path / "sources"
    shutil.copytree(demo_sources, sources)
    settings = published_demo.copy_into(tmp_path / "data", sources_dir=sources)
    instance = dg.DagsterInstance.ephemeral()

    before = published_rows_digest(settings.reporting_path, CLOSED_QUARTER)
    revenue_before = total_revenue(settings.reporting_path, CLOSED_QUARTER)
    assert len(before) >= 8, before

    already_late = revenue_changed_after_close(sources / "orders.sqlite", settings.warehouse_path)
    refunded, refunded_revenue = refund_late(sources / "orders.sqlite", settings.warehouse_path)
    assert len(refunded) == LATE_REFUNDS and refunded_revenue > 0
    assert revenue_changed_after_close(sources / "orders.sqlite", settings.warehouse_path) == (
        already_late + refunded_revenue
    )

    # a backfill of the closed quarter alone, after the refunds reached the source
    backfilled = run_quarters(
        settings, CLOSED_QUARTER_START, instance=instance, leave_out=DOCS_AND_REPORT
    )
    assert backfilled.success, backfilled.error
    with duckdb.connect(str(settings.warehouse_path), read_only=True) as warehouse:
        # the refunds did reach the warehouse: the quarter ignores them on purpose
        (seen,) = warehouse.execute(
            "select count(*) from staging.stg_orders__orders where status = 'refunded' "
            f"and order_id in ({','.join('?' * len(refunded))})",
            refunded,
        ).fetchone()
    assert seen == LATE_REFUNDS
    assert published_rows_digest(settings.reporting_path, CLOSED_QUARTER) == before

    # a restatement takes in every change since the close: the generator's own late refunds
    # and cancellations as well as the new ones
    restated = run_quarters(
        settings, CLOSED_QUARTER_START, instance=instance, restate=True, leave_out=DOCS_AND_REPORT
    )
    assert restated.success, restated.error
    assert already_late > 0
    assert total_revenue(settings.reporting_path, CLOSED_QUARTER) == (
        revenue_before - already_late - refunded_revenue
    )
    after = published_rows_digest(settings.reporting_path, CLOSED_QUARTER)
    assert after["rpt_team_performance"] != before["rpt_team_performance"]
