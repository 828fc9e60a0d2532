"""A tiny CRM + order system and plan whose actuals, pacing and warnings are computed by hand.

Quarter 2026Q3 (Wed 1 Jul - Wed 30 Sep 2026). Weeks run Monday to Sunday, week 1 holds
1 Jul. Working days: week 1 has 3 (1-3 Jul), weeks 2 and 4-12 have 5, week 3 (13-17 Jul)
is a plan holiday week (0), week 13 has 4 (25 Sep is a holiday), week 14 has 3 (28-30 Sep):
60 working days. Phasing: week 2 weighs 2, every other week 1, so the quarter has
3 + 10 + 0 + 9 x 5 + 4 + 3 = 65 weighted days.

Plan: total 3,900.00 (60.00 per weighted day: week 1 180, week 2 600, week 3 0, weeks 4-12
300, week 13 240, week 14 180). Shares: existing 60% = 2,340 / new 40% = 1,560; core 60% =
2,340 / new 30% = 1,170 / long tail 10% = 390; tier1 50% = 1,950 / tier2 50% = 1,950.
tier1 -> g-a 975 (rep-1 487.50, rep-2 487.50) and g-sq 975 (rep-4); tier2 -> g-b 1,950
(rep-3). New-product squad: 80% of new products = 936.00 and 8 units. New customers
1,560 / 520 = 3; new-product units 1,170 / 117 = 10; core units 5 x 1.2 = 6. Rate targets:
lead conversion 0.5, repurchase 0.5, AOV lift 0.10, churn recall 0.5, sell-through 0.3,
long-tail inventory reduction 0.2. Churn window 180 days (from 2026-01-02 on is "recent").

Customers at the quarter start (completed orders, status at 1 Jul):
- E1: first order 10 May (new in Q2) -> existing; orders in Q3 -> repurchased.
- E2: orders 15 Jan and 20 Apr -> existing; no Q3 order.
- CH: last order 1 Nov 2025 -> churned; orders 5 Aug -> recalled.
- CH2: last completed order 15 Oct 2025 -> churned; its 25 Jun order was cancelled on
  26 Jun (before the start), so it stays churned; no Q3 order.
- N1, N2: first orders in Q3 -> new. N3: its only order (22 Jul) was refunded on 30 Jul ->
  not a customer.
Repurchase 1/2 = 0.5; churn recall 1/2 = 0.5; new customers 2 (N1 week 1, N2 week 7).

Orders of Q3 (net amounts; reps' groups on the order date; rep-2 moves g-a -> g-b on 3 Aug
and keeps one node, on g-a where the quarter began, with all 1,200.00 of their sales):
  101  2 Jul wk1  N1  rep-1 g-a   core 2u   600.00
  102  8 Jul wk2  E1  rep-3 g-b   new  3u   500.00
  103  9 Jul wk2  N1  rep-2 g-a   new  2u   300.00
  104 22 Jul wk4  N3  rep-4 g-sq  core 10u 1000.00  refunded 30 Jul: never counts
  105  5 Aug wk6  CH  rep-4 g-sq  new  4u   420.00  (launch + 30 days: outside sell-through)
  106 12 Aug wk7  N2  rep-3 g-b   tail 5u   210.00
  107 19 Aug wk8  N2  rep-2 g-b   core 3u   900.00
  108 14 Sep wk12 E1  rep-1 g-a   core 1u   400.00  refunded 5 Oct (after the quarter): counts
Total 3,330.00. Weekly: 600, 800, 0, 0, 0, 420, 210, 900, 0, 0, 0, 400, 0, 0.
Existing segment (E1, CH): 500 + 420 + 400 = 1,320 in 3 orders, AOV 440; last quarter the
existing segment (E2, who had ordered before Q2) had one order of 400 -> AOV lift 0.10.

Leads created in Q3: L1 (2 Jul, converted 2 Jul), L2 (20 Jul, converted 12 Aug), L3 (3 Aug),
L4 (1 Sep); L5 was created 20 Jun (Q2) and converts 5 Jul: not in Q3's cohort. Conversion
2/4 = 0.5; to date: 1/1 from week 1, 1/2 in week 4, 1/3 in week 6 (amber: 0.667 of 0.5),
2/3 from week 7, 2/4 from week 10.

Stock: p-new launches 6 Jul and receives 20 units that day (30 more on 10 Aug, day 35);
sold in its first 30 days (6 Jul - 4 Aug): 3 + 2 = 5 -> sell-through 5/20 = 0.25.
p-tail on hand: 200 on 30 Jun, 170 on 31 Aug, 160 on 30 Sep -> reduction 0.20.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

import duckdb

from orchestration.ingest.raw_layout import RAW_SCHEMA, raw_columns
from orchestration.ingest.source_tables import SOURCE_TABLES, SOURCE_TABLES_BY_NAME
from orchestration.plan.dbt_build import copy_plan

QUARTER = "2026Q3"
OTHER_QUARTER = "2026Q4"
LOADED = ("batch-1", datetime(2026, 10, 10, 3, 0))
LATER_LOAD = ("batch-2", datetime(2026, 11, 24, 3, 0))


def ts(text: str) -> datetime:
    return datetime.fromisoformat(text)


def d(text: str) -> date:
    return date.fromisoformat(text)


RAW_ROWS: dict[str, list[dict[str, Any]]] = {
    "regions": [
        {"region_id": "tier1", "region_name": "Tier-1 cities", "tier": "tier1"},
        {"region_id": "tier2", "region_name": "Tier-2 cities", "tier": "tier2"},
    ],
    "sales_groups": [
        {
            "group_id": "g-a",
            "group_name": "Group A",
            "region_id": "tier1",
            "group_kind": "normal",
            "lead_rep_id": "rep-1",
        },
        {
            "group_id": "g-sq",
            "group_name": "Squad",
            "region_id": "tier1",
            "group_kind": "new_product_squad",
            "lead_rep_id": "rep-4",
        },
        {
            "group_id": "g-b",
            "group_name": "Group B",
            "region_id": "tier2",
            "group_kind": "normal",
            "lead_rep_id": "rep-3",
        },
    ],
    "reps": [
        {
            "rep_id": f"rep-{n}",
            "rep_name": f"Rep {n}",
            "email": f"rep{n}@example.com",
            "role": "sales",
            "hire_date": d("2024-01-01"),
            "monthly_salary": "10000.00",
        }
        for n in (1, 2, 3, 4)
    ],
    "rep_assignments": [
        {
            "assignment_id": 1,
            "rep_id": "rep-1",
            "group_id": "g-a",
            "valid_from": d("2024-01-01"),
            "valid_to": None,
        },
        # rep-2 moves from g-a to g-b on Monday 3 Aug 2026
        {
            "assignment_id": 2,
            "rep_id": "rep-2",
            "group_id": "g-a",
            "valid_from": d("2024-01-01"),
            "valid_to": d("2026-08-03"),
        },
        {
            "assignment_id": 5,
            "rep_id": "rep-2",
            "group_id": "g-b",
            "valid_from": d("2026-08-03"),
            "valid_to": None,
        },
        {
            "assignment_id": 3,
            "rep_id": "rep-3",
            "group_id": "g-b",
            "valid_from": d("2024-01-01"),
            "valid_to": None,
        },
        {
            "assignment_id": 4,
            "rep_id": "rep-4",
            "group_id": "g-sq",
            "valid_from": d("2024-01-01"),
            "valid_to": None,
        },
    ],
    "customers": [
        {
            "customer_id": customer,
            "customer_name": f"Customer {customer}",
            "email": f"{customer.lower()}@example.com",
            "phone": "000",
            "city_tier": "tier1",
            "region_id": "tier1",
            "owner_rep_id": "rep-1",
            "created_at": ts("2025-01-01 09:00"),
        }
        for customer in ("E1", "E2", "CH", "CH2", "N1", "N2", "N3")
    ],
    "leads": [
        {
            "lead_id": 1,
            "source": "website",
            "campaign_id": None,
            "rep_id": "rep-1",
            "created_at": ts("2026-07-02 08:00"),
            "converted_at": ts("2026-07-02 15:00"),
            "customer_id": "N1",
        },
        {
            "lead_id": 2,
            "source": "website",
            "campaign_id": None,
            "rep_id": "rep-3",
            "created_at": ts("2026-07-20 08:00"),
            "converted_at": ts("2026-08-12 10:00"),
            "customer_id": "N2",
        },
        {
            "lead_id": 3,
            "source": "website",
            "campaign_id": None,
            "rep_id": "rep-3",
            "created_at": ts("2026-08-03 08:00"),
            "converted_at": None,
            "customer_id": None,
        },
        {
            "lead_id": 4,
            "source": "website",
            "campaign_id": None,
            "rep_id": "rep-3",
            "created_at": ts("2026-09-01 08:00"),
            "converted_at": None,
            "customer_id": None,
        },
        {
            "lead_id": 5,
            "source": "website",
            "campaign_id": None,
            "rep_id": "rep-1",
            "created_at": ts("2026-06-20 08:00"),
            "converted_at": ts("2026-07-05 08:00"),
            "customer_id": "E1",
        },
    ],
    "products": [
        {
            "product_id": "p-core",
            "product_name": "Core",
            "tier": "core",
            "launch_date": d("2020-01-01"),
            "list_price": "300.00",
        },
        {
            "product_id": "p-new",
            "product_name": "New",
            "tier": "new",
            "launch_date": d("2026-07-06"),
            "list_price": "100.00",
        },
        {
            "product_id": "p-tail",
            "product_name": "Tail",
            "tier": "long_tail",
            "launch_date": d("2020-01-01"),
            "list_price": "42.00",
        },
    ],
    "inventory_snapshots": [
        {
            "product_id": "p-new",
            "snapshot_date": d("2026-07-06"),
            "units_on_hand": 20,
            "units_received": 20,
        },
        {
            "product_id": "p-new",
            "snapshot_date": d("2026-08-10"),
            "units_on_hand": 41,
            "units_received": 30,
        },
        {
            "product_id": "p-tail",
            "snapshot_date": d("2026-06-30"),
            "units_on_hand": 200,
            "units_received": 0,
        },
        {
            "product_id": "p-tail",
            "snapshot_date": d("2026-08-31"),
            "units_on_hand": 170,
            "units_received": 0,
        },
        {
            "product_id": "p-tail",
            "snapshot_date": d("2026-09-30"),
            "units_on_hand": 160,
            "units_received": 0,
        },
    ],
}

# order id, customer, rep, order date, [(status, recorded at)], [(product, units, net amount)]
ORDERS: list[tuple[int, str, str, str, list[tuple[str, str]], list[tuple[str, int, str]]]] = [
    # history before Q3
    (
        1,
        "CH2",
        "rep-3",
        "2025-10-15",
        [("completed", "2025-10-15 10:00")],
        [("p-core", 1, "300.00")],
    ),
    (
        2,
        "CH",
        "rep-3",
        "2025-11-01",
        [("completed", "2025-11-01 10:00")],
        [("p-core", 1, "300.00")],
    ),
    (
        3,
        "E2",
        "rep-1",
        "2026-01-15",
        [("completed", "2026-01-15 10:00")],
        [("p-core", 1, "300.00")],
    ),
    (
        4,
        "E2",
        "rep-1",
        "2026-04-20",
        [("completed", "2026-04-20 10:00")],
        [("p-core", 1, "400.00")],
    ),
    (
        5,
        "E1",
        "rep-1",
        "2026-05-10",
        [("completed", "2026-05-10 10:00")],
        [("p-core", 1, "350.00")],
    ),
    (
        6,
        "CH2",
        "rep-3",
        "2026-06-25",
        [("completed", "2026-06-25 10:00"), ("cancelled", "2026-06-26 10:00")],
        [("p-core", 1, "300.00")],
    ),
    # Q3
    (
        101,
        "N1",
        "rep-1",
        "2026-07-02",
        [("completed", "2026-07-02 10:00")],
        [("p-core", 2, "600.00")],
    ),
    (
        102,
        "E1",
        "rep-3",
        "2026-07-08",
        [("completed", "2026-07-08 10:00")],
        [("p-new", 3, "500.00")],
    ),
    (
        103,
        "N1",
        "rep-2",
        "2026-07-09",
        [("completed", "2026-07-09 10:00")],
        [("p-new", 2, "300.00")],
    ),
    (
        104,
        "N3",
        "rep-4",
        "2026-07-22",
        [("completed", "2026-07-22 10:00"), ("refunded", "2026-07-30 10:00")],
        [("p-core", 10, "1000.00")],
    ),
    (
        105,
        "CH",
        "rep-4",
        "2026-08-05",
        [("completed", "2026-08-05 10:00")],
        [("p-new", 4, "420.00")],
    ),
    (
        106,
        "N2",
        "rep-3",
        "2026-08-12",
        [("completed", "2026-08-12 10:00")],
        [("p-tail", 5, "210.00")],
    ),
    (
        107,
        "N2",
        "rep-2",
        "2026-08-19",
        [("completed", "2026-08-19 10:00")],
        [("p-core", 3, "900.00")],
    ),
    (
        108,
        "E1",
        "rep-1",
        "2026-09-14",
        [("completed", "2026-09-14 10:00"), ("refunded", "2026-10-05 10:00")],
        [("p-core", 1, "400.00")],
    ),
    # Q4 (another quarter)
    (
        201,
        "E1",
        "rep-1",
        "2026-10-20",
        [("completed", "2026-10-20 10:00")],
        [("p-core", 1, "350.00")],
    ),
]

# Plan files of the fixture (everything else is copied from the live plan, then replaced).
PLAN_FILES: dict[str, str] = {
    "quarter_totals.csv": (
        "quarter,revenue_target,revenue_growth,baseline_revenue,baseline_core_units,note\n"
        "2026Q3,3900.00,,,5,fixture\n"
        "2026Q4,5000.00,,,5,fixture\n"
    ),
    "dimension_shares.csv": (
        "from_quarter,dimension,segment,share\n"
        "2026Q3,customer,existing,0.60\n2026Q3,customer,new,0.40\n"
        "2026Q3,product,core,0.60\n2026Q3,product,new,0.30\n2026Q3,product,long_tail,0.10\n"
        "2026Q3,team,tier1,0.50\n2026Q3,team,tier2,0.50\n"
    ),
    "group_allocation.csv": "from_quarter,region_tier,group_id,share,weight,reason\n",
    "group_kind_weights.csv": (
        "from_quarter,group_kind,weight\n2026Q3,normal,1.00\n2026Q3,new_product_squad,1.00\n"
    ),
    "role_weights.csv": "from_quarter,role,weight\n2026Q3,sales,1.00\n",
    "rep_overrides.csv": "from_quarter,rep_id,share,weight,reason\n",
    "responsibilities.csv": (
        "from_quarter,responsibility,responsibility_name,source_node_id,share,"
        "owner_group_kind,owner_role\n"
        "2026Q3,new_product_squad,New-product squad,product/new,0.80,new_product_squad,\n"
    ),
    "kpi_targets.csv": (
        "from_quarter,new_customer_aov,lead_conversion_rate,repurchase_rate,aov_lift,"
        "churn_recall_rate,churn_window_days,core_unit_growth,new_product_aov,"
        "sell_through_30d,long_tail_inventory_reduction\n"
        "2026Q3,520.00,0.50,0.50,0.10,0.50,180,0.20,117.00,0.30,0.20\n"
    ),
    "plan_revisions.csv": "quarter,node_id,metric,new_value,effective_date,reason,approved_by\n",
    "holidays.csv": (
        "holiday_date,holiday_name\n"
        + "".join(f"2026-07-{day},Fixture holiday week\n" for day in (13, 14, 15, 16, 17))
        + "2026-09-25,Mid-Autumn Festival\n"
    ),
    "weekly_phasing.csv": "quarter,week_number,weight,reason\n2026Q3,2,2.0,launch push\n",
    # warning_lines.csv: the live plan's (0.80 / 0.60 for every metric)
}


def write_plan(live_plan: Path, destination: Path) -> Path:
    """The live plan copied to `destination`, with the fixture's files replacing its own."""
    copy_plan(live_plan, destination)
    for name, text in PLAN_FILES.items():
        (destination / name).write_text(text)
    return destination


def _insert(
    connection: duckdb.DuckDBPyConnection,
    table: str,
    rows: list[dict[str, Any]],
    load: tuple[str, datetime],
    updated_at: datetime,
) -> None:
    columns = list(raw_columns(SOURCE_TABLES_BY_NAME[table]))
    for row in rows:
        values = {**row, "_batch_id": load[0], "_loaded_at": load[1]}
        values.setdefault("updated_at", updated_at)
        connection.execute(
            f"insert into {RAW_SCHEMA}.{table} ({', '.join(columns)}) "
            f"values ({', '.join('?' for _ in columns)})",
            [values.get(column) for column in columns],
        )


def create_raw_world(warehouse: Path) -> None:
    """`raw.*` of every source table (typed by raw_columns), filled with the world above."""
    with duckdb.connect(str(warehouse)) as connection:
        connection.execute(f"create schema if not exists {RAW_SCHEMA}")
        for source in SOURCE_TABLES:
            columns = ", ".join(f"{name} {kind}" for name, kind in raw_columns(source).items())
            connection.execute(f"create table {RAW_SCHEMA}.{source.name} ({columns})")
        connection.execute(
            f"create table {RAW_SCHEMA}.quarantine (source_table varchar, record_key varchar, "
            "rule varchar, column_name varchar, bad_value varchar, batch_id varchar, "
            "loaded_at timestamp)"
        )
        for table, rows in RAW_ROWS.items():
            _insert(connection, table, rows, LOADED, ts("2026-06-01 09:00"))
        for order_id, customer, rep, order_date, versions, lines in ORDERS:
            for status, recorded_at in versions:
                _insert(
                    connection,
                    "orders",
                    [
                        {
                            "order_id": order_id,
                            "customer_id": customer,
                            "rep_id": rep,
                            "order_date": d(order_date),
                            "status": status,
                            "currency": "CNY",
                            "updated_at": ts(recorded_at),
                        }
                    ],
                    LOADED,
                    ts(recorded_at),
                )
            for number, (product, units, amount) in enumerate(lines, start=1):
                _insert(
                    connection,
                    "order_lines",
                    [
                        {
                            "order_line_id": order_id * 10 + number,
                            "order_id": order_id,
                            "product_id": product,
                            "quantity": units,
                            "unit_price": amount,
                            "discount": "0.00",
                            "net_amount": amount,
                            "updated_at": ts(versions[0][1]),
                        }
                    ],
                    LOADED,
                    ts(versions[0][1]),
                )


def change_other_quarters(warehouse: Path) -> None:
    """New source versions that touch only other quarters than 2026Q3: the Q4 order is
    refunded, and an old Q1 order line (not Q3's baseline quarter) changes its amount."""
    with duckdb.connect(str(warehouse)) as connection:
        _insert(
            connection,
            "orders",
            [
                {
                    "order_id": 201,
                    "customer_id": "E1",
                    "rep_id": "rep-1",
                    "order_date": d("2026-10-20"),
                    "status": "refunded",
                    "currency": "CNY",
                    "updated_at": ts("2026-11-20 10:00"),
                }
            ],
            LATER_LOAD,
            ts("2026-11-20 10:00"),
        )
        _insert(
            connection,
            "order_lines",
            [
                {
                    "order_line_id": 31,
                    "order_id": 3,
                    "product_id": "p-core",
                    "quantity": 1,
                    "unit_price": "280.00",
                    "discount": "0.00",
                    "net_amount": "280.00",
                    "updated_at": ts("2026-11-21 10:00"),
                }
            ],
            LATER_LOAD,
            ts("2026-11-21 10:00"),
        )
