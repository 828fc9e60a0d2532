"""A small published store with the handbook's numbers, written directly.

Fast tests of the report and the status view use it; the browser test uses a store the
real pipeline published.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import duckdb

QUARTER = "2026Q3"
AS_OF = date(2026, 7, 19)
WEEKS = 3  # weeks reported: 2026-06-29 .. 2026-07-19
QUARTER_WORKING_DAYS = 65

# node_id, parent, dimension, level, name, metric, target, pace (actual / target to date)
NODES = [
    ("total", None, "total", 0, "Total", "revenue", 12_000_000, 0.9),
    ("customer/existing", "total", "customer", 1, "Existing customers", "revenue", 7_200_000, 1.0),
    ("customer/new", "total", "customer", 1, "New customers", "revenue", 4_800_000, 0.75),
    ("customer/new", "total", "customer", 1, "New customers", "customers", 1_000, 0.7),
    ("product/core", "total", "product", 1, "Core products", "revenue", 7_200_000, 0.95),
    ("product/new", "total", "product", 1, "New products", "revenue", 3_600_000, 0.85),
    ("product/new", "total", "product", 1, "New products", "units", 2_500, 0.8),
    ("product/long_tail", "total", "product", 1, "Long-tail products", "revenue", 1_200_000, 0.7),
    ("team/tier1", "total", "team", 1, "Tier-1 cities", "revenue", 4_200_000, 1.1),
    ("team/tier2", "total", "team", 1, "Tier-2 cities", "revenue", 3_000_000, 0.5),
    ("team/tier3_4", "total", "team", 1, "Tier-3/4 cities", "revenue", 2_400_000, 0.9),
    ("team/channel", "total", "team", 1, "Channel", "revenue", 2_400_000, 0.95),
    ("team/tier1/g-star-01", "team/tier1", "team", 2, "Tier-1 Star Group", "revenue", 1_680_000,
     1.2),
    ("team/tier1/g-t1-normal-01", "team/tier1", "team", 2, "Tier-1 Group 1", "revenue", 2_520_000,
     1.0),
    (
        "team/tier1/g-star-01/rep-017", "team/tier1/g-star-01", "team", 3, "Wei Zhang",
        "revenue", 1_680_000, 1.2,
    ),
]  # fmt: skip

TABLES = (
    "rpt_target_tree",
    "rpt_progress_weekly",
    "rpt_warnings",
    "rpt_customer_kpis",
    "rpt_product_kpis",
    "rpt_team_performance",
    "rpt_publication",
)


def week_starts() -> list[date]:
    return [date(2026, 6, 29) + timedelta(weeks=i) for i in range(WEEKS)]


def expected_total() -> dict[str, Decimal]:
    """The headline of the fixture, computed the way the rows below are."""
    row = progress_rows()[("total", "revenue")][-1]
    return {
        "quarter_target": Decimal(12_000_000),
        "actual_to_date": row["actual_to_date"],
        "target_to_date": row["target_to_date"],
        "projected_quarter_end": row["projected_quarter_end"],
    }


def progress_rows() -> dict[tuple[str, str], list[dict]]:
    rows: dict[tuple[str, str], list[dict]] = {}
    for node_id, parent, dimension, level, name, metric, target, pace in NODES:
        weekly_target = Decimal(target) * 5 / QUARTER_WORKING_DAYS
        for number, start in enumerate(week_starts(), 1):
            target_to_date = (weekly_target * number).quantize(Decimal("0.01"))
            actual_to_date = (target_to_date * Decimal(str(pace))).quantize(Decimal("0.01"))
            remaining = QUARTER_WORKING_DAYS - 5 * number
            rows.setdefault((node_id, metric), []).append(
                {
                    "quarter": QUARTER, "week_start": start, "week_number": number,
                    "node_id": node_id, "parent_node_id": parent, "dimension": dimension,
                    "level": level, "node_name": name, "metric": metric,
                    "quarter_target": Decimal(target),
                    "week_target": weekly_target.quantize(Decimal("0.01")),
                    "week_actual": (weekly_target * Decimal(str(pace))).quantize(Decimal("0.01")),
                    "week_completion": pace, "target_to_date": target_to_date,
                    "actual_to_date": actual_to_date, "completion_to_date": pace,
                    "projected_quarter_end": (Decimal(target) * Decimal(str(pace))).quantize(
                        Decimal("0.01")
                    ),
                    "required_daily_run_rate": (
                        (Decimal(target) - actual_to_date) / remaining
                    ).quantize(Decimal("0.01")),
                    "remaining_working_days": remaining,
                    "reported_through": start + timedelta(days=6),
                }
            )  # fmt: skip
    return rows


def _insert(connection: duckdb.DuckDBPyConnection, table: str, rows: Iterable[dict]) -> None:
    rows = list(rows)
    columns = list(rows[0])
    connection.executemany(
        f"insert into {table} ({', '.join(columns)}) values ({', '.join('?' * len(columns))})",
        [[row[c] for c in columns] for row in rows],
    )


def write_store(path: Path, tables: Iterable[str] = TABLES) -> Path:
    """Write the fixture store at `path` with only `tables` (others are 'not published yet')."""
    tables = set(tables)
    path.parent.mkdir(parents=True, exist_ok=True)
    connection = duckdb.connect(str(path))
    try:
        _write(connection, tables)
        connection.execute("checkpoint")
    finally:
        connection.close()
    return path


def _write(connection: duckdb.DuckDBPyConnection, tables: set[str]) -> None:
    if "rpt_target_tree" in tables:
        connection.execute(
            "create table rpt_target_tree (quarter varchar, node_id varchar, parent_node_id "
            "varchar, dimension varchar, level integer, node_name varchar, metric varchar, "
            "target_value decimal(22,6), original_target_value decimal(22,6), revision_reason "
            "varchar, is_partition_of_parent boolean, as_of_date date)"
        )
        _insert(
            connection,
            "rpt_target_tree",
            (
                {
                    "quarter": QUARTER, "node_id": n[0], "parent_node_id": n[1],
                    "dimension": n[2], "level": n[3], "node_name": n[4], "metric": n[5],
                    "target_value": n[6],
                    "original_target_value": 3000 if n[0:6:5] == ("product/new", "units")
                    else n[6],
                    "revision_reason": "Launch slipped two weeks"
                    if n[0:6:5] == ("product/new", "units") else None,
                    "is_partition_of_parent": n[0] != "total", "as_of_date": AS_OF,
                }
                for n in NODES
            ),
        )  # fmt: skip
    if "rpt_progress_weekly" in tables:
        connection.execute(
            "create table rpt_progress_weekly (quarter varchar, week_start date, week_number "
            "integer, node_id varchar, parent_node_id varchar, dimension varchar, level "
            "integer, node_name varchar, metric varchar, quarter_target decimal(22,6), "
            "week_target decimal(22,6), week_actual decimal(22,6), week_completion double, "
            "target_to_date decimal(22,6), actual_to_date decimal(22,6), completion_to_date "
            "double, projected_quarter_end decimal(22,6), required_daily_run_rate "
            "decimal(22,6), remaining_working_days integer, reported_through date)"
        )
        _insert(
            connection,
            "rpt_progress_weekly",
            (row for rows in progress_rows().values() for row in rows),
        )
    if "rpt_warnings" in tables:
        connection.execute(
            "create table rpt_warnings (quarter varchar, week_start date, week_number integer, "
            "node_id varchar, node_name varchar, dimension varchar, metric varchar, level "
            "varchar, completion double, threshold double, consecutive_weeks integer, owner "
            "varchar, owner_rep_id varchar, message varchar)"
        )
        _insert(
            connection,
            "rpt_warnings",
            (
                {
                    "quarter": QUARTER, "week_start": start, "week_number": number,
                    "node_id": "team/tier2", "node_name": "Tier-2 cities", "dimension": "team",
                    "metric": "revenue", "level": "red", "completion": 0.5, "threshold": 0.6,
                    "consecutive_weeks": number, "owner": "Tier-2 cities team",
                    "owner_rep_id": None,
                    "message": f"Tier-2 cities revenue: week {number} at 50% of target",
                }
                for number, start in enumerate(week_starts(), 1)
            ),
        )  # fmt: skip
        _insert(
            connection,
            "rpt_warnings",
            [
                {
                    "quarter": QUARTER, "week_start": week_starts()[-1], "week_number": WEEKS,
                    "node_id": "customer/new", "node_name": "New customers",
                    "dimension": "customer", "metric": "revenue", "level": "amber",
                    "completion": 0.75, "threshold": 0.8, "consecutive_weeks": 1,
                    "owner": "Customer team", "owner_rep_id": None,
                    "message": "New customers revenue: week 3 at 75% of target",
                }
            ],
        )  # fmt: skip
    if "rpt_customer_kpis" in tables:
        connection.execute(
            "create table rpt_customer_kpis (quarter varchar, metric varchar, node_id varchar, "
            "target_value double, actual_value double, completion double, as_of_date date)"
        )
        _insert(
            connection,
            "rpt_customer_kpis",
            (
                {
                    "quarter": QUARTER, "metric": metric, "node_id": node, "target_value": t,
                    "actual_value": a, "completion": a / t, "as_of_date": AS_OF,
                }
                for metric, node, t, a in (
                    ("new_customers", "customer/new", 1000.0, 161.0),
                    ("repurchase_rate", "customer/existing/repurchase_rate", 0.25, 0.05),
                    ("churn_recall_rate", "customer/existing/churn_recall_rate", 0.10, 0.02),
                )
            ),
        )  # fmt: skip
    if "rpt_product_kpis" in tables:
        connection.execute(
            "create table rpt_product_kpis (quarter varchar, tier varchar, metric varchar, "
            "target_value double, actual_value double, completion double, as_of_date date)"
        )
        _insert(
            connection,
            "rpt_product_kpis",
            (
                {
                    "quarter": QUARTER, "tier": tier, "metric": metric, "target_value": t,
                    "actual_value": a, "completion": None if t is None else a / t,
                    "as_of_date": AS_OF,
                }
                for tier, metric, t, a in (
                    ("core", "revenue", 7_200_000.0, 1_578_462.0),
                    ("new", "units", 2500.0, 462.0),
                    ("long_tail", "units", None, 120.0),
                )
            ),
        )  # fmt: skip
    if "rpt_team_performance" in tables:
        connection.execute(
            "create table rpt_team_performance (quarter varchar, level varchar, node_id "
            "varchar, parent_node_id varchar, node_name varchar, target_value decimal(18,2), "
            "actual_value decimal(18,2), completion double, rank_in_level bigint, as_of_date date)"
        )
        team = [n for n in NODES if n[2] == "team"]
        latest = {key: rows[-1] for key, rows in progress_rows().items()}
        rows = []
        for level_number, level in ((1, "region"), (2, "group"), (3, "rep")):
            members = [n for n in team if n[3] == level_number]
            members.sort(key=lambda n: -n[7])
            for rank, node in enumerate(members, 1):
                actual = latest[(node[0], "revenue")]["actual_to_date"]
                rows.append(
                    {
                        "quarter": QUARTER, "level": level, "node_id": node[0],
                        "parent_node_id": node[1], "node_name": node[4],
                        "target_value": node[6], "actual_value": actual,
                        "completion": float(actual) / node[6], "rank_in_level": rank,
                        "as_of_date": AS_OF,
                    }
                )  # fmt: skip
        _insert(connection, "rpt_team_performance", rows)
    if "rpt_publication" in tables:
        connection.execute(
            "create table rpt_publication (publication_number bigint, publication_id varchar, "
            "published_at timestamp, quarters varchar, as_of_date date, source_watermarks "
            "varchar, row_counts varchar, checks_passed varchar, checks_passed_count integer, "
            "run_id varchar)"
        )
        _insert(
            connection,
            "rpt_publication",
            [
                {
                    "publication_number": 3, "publication_id": "abc",
                    "published_at": datetime(2026, 7, 20, 2, 15), "quarters": QUARTER,
                    "as_of_date": AS_OF, "source_watermarks": "{}", "row_counts": "{}",
                    "checks_passed": "[]", "checks_passed_count": 0, "run_id": "run-1",
                }
            ],
        )  # fmt: skip
