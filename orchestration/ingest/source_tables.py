"""The source interface: the contract tables sales-targets reads, grouped as the dbt
sources group them (`crm`, `orders`).

Sources are declared without constraints: extracts carry duplicate and null keys, which
ingestion quarantines. A source mapping (`mapping.py`) says how each table is read from
the systems a department runs; the demo generator writes exactly these tables, and the
demo mapping reads them as they are. Every table carries `updated_at`, the change
timestamp that incremental extraction follows. Columns, types and keys come from the
registry entries in `models/registry/sources/` (which the raw contracts are built from too).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import sqlalchemy as sa

from models.registry.schema import Column, Table
from models.registry.sources import SOURCE_SYSTEMS

_DECIMAL = re.compile(r"^decimal\((\d+),(\d+)\)$")
_SIMPLE_TYPES = {"bigint": sa.Integer, "date": sa.Date, "timestamp": sa.DateTime}


def source_type(column: Column) -> sa.types.TypeEngine:
    """The SQLAlchemy type a source declares for a registry column."""
    decimal = _DECIMAL.match(column.data_type)
    if decimal:
        return sa.Numeric(int(decimal.group(1)), int(decimal.group(2)))
    if column.data_type == "varchar":
        return sa.String(column.length)
    return _SIMPLE_TYPES[column.data_type]()


def _source_table(table: Table, metadata: sa.MetaData) -> sa.Table:
    # No comments: the demo writes these tables, and a real source's DDL is not ours.
    columns = (sa.Column(c.name, source_type(c)) for c in table.columns)
    return sa.Table(table.name, metadata, *columns)


@dataclass(frozen=True)
class SourceTable:
    """One extracted table: where it comes from and how its rows are identified."""

    system: str  # crm | orders: which source URL it is read from
    table: sa.Table
    key_columns: tuple[str, ...]

    @property
    def name(self) -> str:
        return self.table.name

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.table.columns)


crm_metadata = sa.MetaData()
orders_metadata = sa.MetaData()
_METADATA = {"crm": crm_metadata, "orders": orders_metadata}

# Business keys. Sources are declared without constraints on purpose: extracts and views
# do carry duplicate and null keys, and ingestion must quarantine them, not crash.
SOURCE_TABLES: tuple[SourceTable, ...] = tuple(
    SourceTable(system, _source_table(table, _METADATA[system]), table.key)
    for system, tables in SOURCE_SYSTEMS.items()
    for table in tables
)
SOURCE_TABLES_BY_NAME = {t.name: t for t in SOURCE_TABLES}

regions = SOURCE_TABLES_BY_NAME["regions"].table
sales_groups = SOURCE_TABLES_BY_NAME["sales_groups"].table
reps = SOURCE_TABLES_BY_NAME["reps"].table
rep_assignments = SOURCE_TABLES_BY_NAME["rep_assignments"].table
customers = SOURCE_TABLES_BY_NAME["customers"].table
campaigns = SOURCE_TABLES_BY_NAME["campaigns"].table
campaign_spend = SOURCE_TABLES_BY_NAME["campaign_spend"].table
leads = SOURCE_TABLES_BY_NAME["leads"].table
products = SOURCE_TABLES_BY_NAME["products"].table
orders = SOURCE_TABLES_BY_NAME["orders"].table
order_lines = SOURCE_TABLES_BY_NAME["order_lines"].table
inventory_snapshots = SOURCE_TABLES_BY_NAME["inventory_snapshots"].table
