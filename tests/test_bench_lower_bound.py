"""The benchmark's lower bound computes what the pipeline computes.

`bench/lower_bounds.py` stands in for the dbt models with one hand-written statement; when
a model's rule changes and the statement does not, the transformation figure is void
(the benchmark compares them node by node). This keeps the two in step on the demo, with
late refunds planted the way a source that keeps one row per order shows them: an order
of 2026Q3 first seen refunded after the quarter closed (it counts in 2026Q3 as booked).
"""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import duckdb
import pytest

from orchestration.partitions import window_for_partitions
from orchestration.transform.project import run_dbt, snapshot_plan

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
import lower_bounds  # noqa: E402

pytestmark = pytest.mark.slow

LATE_REFUNDS = 5


def test_the_hand_written_sql_agrees_with_the_pipeline_node_by_node(tmp_path, published_demo):
    settings = published_demo.copy_into(tmp_path / "data")
    with duckdb.connect(str(settings.warehouse_path)) as warehouse:
        refunded = warehouse.execute(
            "update raw.orders set status = 'refunded', updated_at = timestamp '2026-10-15 10:00' "
            "where order_id in (select order_id from raw.orders where status = 'completed' "
            f"and order_date between date '2026-07-01' and date '2026-09-30' "
            f"order by order_id limit {LATE_REFUNDS}) returning order_id"
        ).fetchall()
    assert len(refunded) == LATE_REFUNDS
    window = window_for_partitions(date(2026, 7, 1), date(2026, 10, 1), today=date(2026, 12, 5))
    snapshot_plan(settings)
    staging = ["build", "--select", "staging", "--full-refresh", "--exclude-resource-type",
               "unit_test"]  # fmt: skip
    run_dbt(settings, staging).raise_for_failure("staging")
    run_dbt(settings, ["run", "--select", "intermediate", "marts"], window).raise_for_failure(
        "2026Q3"
    )

    hand = lower_bounds.run_hand_written(
        settings.warehouse_path, "2026Q3", date(2026, 7, 1), date(2026, 9, 30), "1GB"
    )
    assert len(hand.actuals) > 20  # every team node and both customer segments
    assert lower_bounds.compare_actuals(settings.warehouse_path, "2026Q3", hand.actuals) == []
