"""The warehouse relations the target tree reads, and how a preview provides them.

The planning models read seven staging models (org and last quarter's orders). A preview
(`plan show`) builds in a scratch DuckDB: these relations are copied there from the
warehouse when one is available (org in full, orders of the previous quarter only), or
created empty, in which case the tree is shown down to where the plan alone reaches.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import duckdb

# staging model -> the columns the planning models read, with their staging types
STAGING_INPUTS: dict[str, dict[str, str]] = {
    "stg_crm__regions": {"region_id": "varchar", "region_name": "varchar", "tier": "varchar"},
    "stg_crm__sales_groups": {
        "group_id": "varchar",
        "group_name": "varchar",
        "region_id": "varchar",
        "group_kind": "varchar",
        "lead_rep_id": "varchar",
    },
    "stg_crm__reps": {"rep_id": "varchar", "rep_name": "varchar", "role": "varchar"},
    "stg_crm__rep_assignments": {
        "assignment_id": "varchar",
        "rep_id": "varchar",
        "group_id": "varchar",
        "valid_from": "date",
        "valid_to": "date",
    },
    "stg_orders__products": {"product_id": "varchar", "tier": "varchar", "launch_date": "date"},
    "stg_orders__orders": {
        "order_id": "varchar",
        "customer_id": "varchar",
        "rep_id": "varchar",
        "order_date": "date",
        "status": "varchar",
        "is_completed": "boolean",
    },
    "stg_orders__order_status_changes": {
        "order_id": "varchar",
        "status": "varchar",
        "is_completed": "boolean",
        "updated_at": "timestamp",
        "superseded_at": "timestamp",
        "loaded_at": "timestamp",  # the order history recomputes orders loaded after its newest
    },
    "stg_orders__order_lines": {
        "order_line_id": "varchar",
        "order_id": "varchar",
        "product_id": "varchar",
        "quantity": "bigint",
        "net_amount": "decimal(18,2)",
    },
}
ORDER_TABLES = ("stg_orders__orders", "stg_orders__order_status_changes", "stg_orders__order_lines")


def create_empty_inputs(connection: duckdb.DuckDBPyConnection) -> None:
    connection.execute("create schema if not exists staging")
    for table, columns in STAGING_INPUTS.items():
        definition = ", ".join(f"{name} {kind}" for name, kind in columns.items())
        connection.execute(f"create or replace table staging.{table} ({definition})")


@dataclass(frozen=True)
class CopiedInputs:
    groups: int
    reps: int
    previous_quarter_orders: int


def copy_inputs_from_warehouse(
    connection: duckdb.DuckDBPyConnection,
    warehouse_catalog: str,
    previous_quarter_start: date,
    previous_quarter_end: date,
) -> CopiedInputs:
    """Fill the (empty) input tables from an attached warehouse: org, products, and the
    orders of the previous quarter (all a quarter's targets need)."""
    source = f'"{warehouse_catalog}".staging'
    for table, columns in STAGING_INPUTS.items():
        names = ", ".join(columns)
        if table == "stg_orders__orders":
            condition = "where order_date between ? and ?"
        elif table in ORDER_TABLES:
            condition = (
                f"where order_id in (select order_id from {source}.stg_orders__orders "
                "where order_date between ? and ?)"
            )
        else:
            condition = ""
        parameters = [previous_quarter_start, previous_quarter_end] if condition else []
        connection.execute(
            f"insert into staging.{table} ({names}) select {names} from {source}.{table} "
            f"{condition}",
            parameters,
        )
    count = lambda table: connection.execute(  # noqa: E731 - a local shorthand
        f"select count(*) from staging.{table}"
    ).fetchone()[0]
    return CopiedInputs(
        groups=count("stg_crm__sales_groups"),
        reps=count("stg_crm__reps"),
        previous_quarter_orders=count("stg_orders__orders"),
    )
