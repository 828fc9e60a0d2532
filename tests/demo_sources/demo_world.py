"""Helpers of the demo-source tests: generate a world, read it with plain sqlite3, hash it."""

from __future__ import annotations

import hashlib
import sqlite3
from contextlib import closing
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pandas as pd

from orchestration.demo_sources import GenerationSummary, generate_sources
from orchestration.ingest.source_tables import SOURCE_TABLES

REFERENCE_DATE = date(2026, 11, 26)
SMALL_ORDERS_PER_QUARTER = 300

# The clean rows of the sales tables: no dirty copy passes these filters (duplicates aside).
CLEAN_ORDERS = """
    select distinct * from orders
    where order_id is not null and order_date like '20__-__-__'
      and order_date not like '%-02-30' and order_date < '2099-01-01'
"""
CLEAN_LINES = """
    select distinct * from order_lines
    where order_line_id is not null and typeof(quantity) = 'integer' and quantity > 0
      and typeof(unit_price) in ('integer', 'real')
      and product_id in (select product_id from products)
"""
CLEAN_LEADS = """
    select distinct * from leads
    where lead_id is not null and created_at not like '%-02-30%' and created_at < '2099-01-01'
"""


@dataclass(frozen=True)
class World:
    """The two generated SQLite files and the generator's summary."""

    summary: GenerationSummary
    crm: Path
    orders: Path

    def database(self, table: str) -> Path:
        system = {t.name: t.system for t in SOURCE_TABLES}[table]
        return self.crm if system == "crm" else self.orders

    def rows(self, sql: str, database: str = "orders", params: tuple = ()) -> list[tuple]:
        path = self.crm if database == "crm" else self.orders
        with closing(sqlite3.connect(path)) as connection:
            return connection.execute(sql, params).fetchall()

    def frame(self, sql: str, database: str = "orders") -> pd.DataFrame:
        path = self.crm if database == "crm" else self.orders
        with closing(sqlite3.connect(path)) as connection:
            return pd.read_sql_query(sql, connection)

    def value(self, sql: str, database: str = "orders", params: tuple = ()) -> object:
        return self.rows(sql, database, params)[0][0]


def generate_world(
    folder: Path, seed: int = 7, orders_per_quarter: int = SMALL_ORDERS_PER_QUARTER, **options
) -> World:
    crm, orders = folder / "sources" / "crm.sqlite", folder / "sources" / "orders.sqlite"
    summary = generate_sources(
        f"sqlite:///{crm}",
        f"sqlite:///{orders}",
        reference_date=options.pop("reference_date", REFERENCE_DATE),
        seed=seed,
        orders_per_quarter=orders_per_quarter,
        **options,
    )
    return World(summary, crm, orders)


def content_hash(world: World) -> str:
    """Hash of every row of every source table, in storage order, values with their types."""
    digest = hashlib.sha256()
    for source in SOURCE_TABLES:
        with closing(sqlite3.connect(world.database(source.name))) as connection:
            columns = ", ".join(f"{c}, typeof({c})" for c in source.column_names)
            for row in connection.execute(f"select {columns} from {source.name} order by rowid"):
                digest.update(repr(row).encode())
    return digest.hexdigest()
