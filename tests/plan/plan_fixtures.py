"""Small, hand-checkable inputs for the target tree: the demo org and a few orders.

Written straight into the staging relations the planning models read (the staging
models themselves are tested in tests/dbt), so the numbers below can be followed by hand:

- org: the fixed demo groups, 18 reps. rep-009 moves from g-t2-normal-01 to
  g-t2-normal-02 on 2026-08-10 (mid 2026Q3); rep-018 joins g-t34-normal-01 on 2026-07-15.
- orders of 2026Q2 (the baseline of 2026Q3): completed 12,400.00 (10 core units) +
  6,000.00 (6 core units, refunded on 2026-07-05, after the quarter closed: still counts)
  + 600.33 (long tail) = 19,000.33 and 16 core units; a 99,999.00 order cancelled before
  the close does not count.
- orders of 2026Q1 (the baseline of 2026Q2): 3,000.00, 3 core units.
"""

from __future__ import annotations

import csv
import shutil
from datetime import date, datetime
from pathlib import Path

import duckdb

from orchestration.plan.inputs import create_empty_inputs

REGIONS = [
    (tier, name, tier)
    for tier, name in (
        ("tier1", "Tier-1 cities"),
        ("tier2", "Tier-2 cities"),
        ("tier3_4", "Tier-3/4 cities"),
        ("channel", "Channel"),
    )
]
GROUPS = [
    ("g-star-01", "Star group", "tier1", "star", "rep-001"),
    ("g-t1-normal-01", "Tier-1 normal group", "tier1", "normal", "rep-004"),
    ("g-np-squad-01", "New-product squad", "tier1", "new_product_squad", "rep-006"),
    ("g-t2-normal-01", "Tier-2 group one", "tier2", "normal", "rep-008"),
    ("g-t2-normal-02", "Tier-2 group two", "tier2", "normal", "rep-011"),
    ("g-t34-newcomer-01", "Newcomer group", "tier3_4", "newcomer", "rep-013"),
    ("g-t34-normal-01", "Tier-3/4 normal group", "tier3_4", "normal", "rep-015"),
    ("g-channel-01", "Channel group", "channel", "normal", "rep-016"),
]
REPS = [  # rep, role, group from 2024-01-01
    ("rep-001", "top_sales", "g-star-01"),
    ("rep-002", "sales", "g-star-01"),
    ("rep-003", "customer_success", "g-star-01"),
    ("rep-004", "sales", "g-t1-normal-01"),
    ("rep-005", "newcomer", "g-t1-normal-01"),
    ("rep-006", "sales", "g-np-squad-01"),
    ("rep-007", "sales", "g-np-squad-01"),
    ("rep-008", "top_sales", "g-t2-normal-01"),
    ("rep-009", "sales", "g-t2-normal-01"),
    ("rep-010", "customer_success", "g-t2-normal-01"),
    ("rep-011", "sales", "g-t2-normal-02"),
    ("rep-012", "newcomer", "g-t2-normal-02"),
    ("rep-013", "newcomer", "g-t34-newcomer-01"),
    ("rep-014", "newcomer", "g-t34-newcomer-01"),
    ("rep-015", "sales", "g-t34-normal-01"),
    ("rep-016", "channel_manager", "g-channel-01"),
    ("rep-017", "channel_manager", "g-channel-01"),
    ("rep-018", "newcomer", "g-t34-normal-01"),
]
MOVER, MOVED_ON = "rep-009", date(2026, 8, 10)
LATE_JOINER, JOINED_ON = "rep-018", date(2026, 7, 15)
PRODUCTS = [("p-core", "core"), ("p-new", "new"), ("p-tail", "long_tail")]
LOADED_AT = datetime(2026, 11, 26, 3, 0)  # when ingestion loaded every status version
# order id, order date, [(status, updated_at)], [(product, quantity, net amount)]
ORDERS = [
    (
        "1",
        date(2026, 4, 10),
        [("completed", datetime(2026, 4, 10, 9))],
        [("p-core", 10, "10000.00"), ("p-new", 2, "2400.00")],
    ),
    (
        "2",
        date(2026, 5, 20),
        [("completed", datetime(2026, 5, 20, 9)), ("refunded", datetime(2026, 7, 5, 9))],
        [("p-core", 6, "6000.00")],
    ),
    (
        "3",
        date(2026, 6, 30),
        [("completed", datetime(2026, 6, 30, 9)), ("cancelled", datetime(2026, 6, 30, 18))],
        [("p-core", 100, "99999.00")],
    ),
    ("4", date(2026, 6, 15), [("completed", datetime(2026, 6, 15, 9))], [("p-tail", 1, "600.33")]),
    ("5", date(2026, 2, 1), [("completed", datetime(2026, 2, 1, 9))], [("p-core", 3, "3000.00")]),
]
Q3_BASELINE_REVENUE = "19000.33"
Q3_BASELINE_CORE_UNITS = 16


def create_staging_inputs(database: Path, with_org: bool = True, with_orders: bool = True) -> None:
    """The staging relations of the planning models, filled with the data above."""
    with duckdb.connect(str(database)) as connection:
        create_empty_inputs(connection)
        if with_org:
            connection.executemany("insert into staging.stg_crm__regions values (?, ?, ?)", REGIONS)
            connection.executemany(
                "insert into staging.stg_crm__sales_groups values (?, ?, ?, ?, ?)", GROUPS
            )
            connection.executemany(
                "insert into staging.stg_crm__reps values (?, ?, ?)",
                [(rep, f"Rep {rep[-3:]}", role) for rep, role, _ in REPS],
            )
            assignments = []
            for number, (rep, _, group) in enumerate(REPS, start=1):
                if rep == MOVER:
                    assignments.append((str(number), rep, group, date(2024, 1, 1), MOVED_ON))
                    assignments.append((str(100 + number), rep, "g-t2-normal-02", MOVED_ON, None))
                elif rep == LATE_JOINER:
                    assignments.append((str(number), rep, group, JOINED_ON, None))
                else:
                    assignments.append((str(number), rep, group, date(2024, 1, 1), None))
            connection.executemany(
                "insert into staging.stg_crm__rep_assignments values (?, ?, ?, ?, ?)", assignments
            )
        if with_orders:
            connection.executemany(
                "insert into staging.stg_orders__products values (?, ?, ?)",
                [(product, tier, date(2024, 1, 1)) for product, tier in PRODUCTS],
            )
            line_id = 0
            for order_id, order_date, versions, lines in ORDERS:
                final_status = versions[-1][0]
                connection.execute(
                    "insert into staging.stg_orders__orders values (?, ?, ?, ?, ?, ?)",
                    [
                        order_id,
                        "c-1",
                        "rep-001",
                        order_date,
                        final_status,
                        final_status == "completed",
                    ],
                )
                for index, (status, updated_at) in enumerate(versions):
                    superseded = versions[index + 1][1] if index + 1 < len(versions) else None
                    connection.execute(
                        "insert into staging.stg_orders__order_status_changes "
                        "values (?, ?, ?, ?, ?, ?)",
                        [
                            order_id,
                            status,
                            status == "completed",
                            updated_at,
                            superseded,
                            LOADED_AT,
                        ],
                    )
                for product, quantity, amount in lines:
                    line_id += 1
                    connection.execute(
                        "insert into staging.stg_orders__order_lines values (?, ?, ?, ?, ?)",
                        [str(line_id), order_id, product, quantity, amount],
                    )


def resolved_spans() -> list[tuple[str, str, date, date | None]]:
    """The org above as int_rep_assignments_resolved spans (rep, group, from, until),
    written out by hand: the mover has two spans cut on the day he moves."""
    spans = []
    for rep, _, group in REPS:
        if rep == MOVER:
            spans += [
                (rep, group, date(2024, 1, 1), MOVED_ON),
                (rep, "g-t2-normal-02", MOVED_ON, None),
            ]
        elif rep == LATE_JOINER:
            spans.append((rep, group, JOINED_ON, None))
        else:
            spans.append((rep, group, date(2024, 1, 1), None))
    return spans


def write_resolved_org(database: Path) -> None:
    """The staging org plus its resolved spans, as a warehouse the pipeline has run on holds
    them (the dbt model itself is tested in test_plan_resolved_dbt.py)."""
    create_staging_inputs(database, with_orders=False)
    with duckdb.connect(str(database)) as connection:
        connection.execute("create schema intermediate")
        connection.execute(
            "create table intermediate.int_rep_assignments_resolved "
            "(rep_id varchar, group_id varchar, valid_from date, valid_until date)"
        )
        connection.executemany(
            "insert into intermediate.int_rep_assignments_resolved values (?, ?, ?, ?)",
            resolved_spans(),
        )


def copy_plan_dir(source: Path, destination: Path) -> Path:
    """A copy of a plan folder's CSV files that a test may edit."""
    destination.mkdir(parents=True, exist_ok=True)
    for path in Path(source).glob("*.csv"):
        shutil.copyfile(path, destination / path.name)
    return destination


def read_plan_file(plan_dir: Path, name: str) -> list[list[str]]:
    with (plan_dir / f"{name}.csv").open(newline="") as handle:
        return list(csv.reader(handle))


def write_plan_file(plan_dir: Path, name: str, rows: list[list[str]]) -> None:
    with (plan_dir / f"{name}.csv").open("w", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)


def largest_remainder(total_cents: int, weights: list[float]) -> list[int]:
    """Reference split (independent of the SQL): floors, then the leftover cents to the
    largest remainders, ties to the earlier child."""
    weight_sum = sum(weights)
    quotas = [total_cents * weight / weight_sum for weight in weights]
    floors = [int(quota // 1) for quota in quotas]
    leftover = total_cents - sum(floors)
    order = sorted(range(len(weights)), key=lambda i: (-(round(quotas[i] - floors[i], 6)), i))
    for index in order[:leftover]:
        floors[index] += 1
    return floors


def add_plan_rows(plan_dir: Path, name: str, *rows: list[str]) -> None:
    write_plan_file(plan_dir, name, read_plan_file(plan_dir, name) + [list(r) for r in rows])
