"""Small SQLite sources built row by row, so every test controls every value.

Rows are written through untyped SQLAlchemy tables: dirty values ('twelve' in an
integer column, '2025-02-30' in a date column) land in SQLite exactly as given, the
way a real extract carries them.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import duckdb
import pytest
import sqlalchemy as sa

from orchestration.ingest.load import IngestResult, ProgressCallback, ingest_all
from orchestration.ingest.source_tables import SOURCE_TABLES_BY_NAME, crm_metadata, orders_metadata
from orchestration.settings import Settings

Rows = dict[str, list[dict[str, Any]]]
T0 = "2025-03-01 09:00:00"  # updated_at of the clean world

CLEAN_WORLD: Rows = {
    "regions": [
        {"region_id": "tier1", "region_name": "Tier-1 cities", "tier": "tier1", "updated_at": T0},
        {"region_id": "tier2", "region_name": "Tier-2 cities", "tier": "tier2", "updated_at": T0},
    ],
    "reps": [
        {
            "rep_id": "rep-001",
            "rep_name": "Ann Lee",
            "email": "ann.lee@example.com",
            "role": "top_sales",
            "hire_date": "2019-04-01",
            "monthly_salary": 20000.0,
            "updated_at": T0,
        },
        {
            "rep_id": "rep-002",
            "rep_name": "Bo Wu",
            "email": "bo.wu@example.com",
            "role": "newcomer",
            "hire_date": "2024-09-01",
            "monthly_salary": 9000.0,
            "updated_at": T0,
        },
    ],
    "sales_groups": [
        {
            "group_id": "g-star-01",
            "group_name": "Star",
            "region_id": "tier1",
            "group_kind": "star",
            "lead_rep_id": "rep-001",
            "updated_at": T0,
        },
    ],
    "rep_assignments": [
        {
            "assignment_id": 1,
            "rep_id": "rep-001",
            "group_id": "g-star-01",
            "valid_from": "2024-01-01",
            "valid_to": None,
            "updated_at": T0,
        },
        {
            "assignment_id": 2,
            "rep_id": "rep-002",
            "group_id": "g-star-01",
            "valid_from": "2024-09-01",
            "valid_to": None,
            "updated_at": T0,
        },
    ],
    "customers": [
        {
            "customer_id": "c-000001",
            "customer_name": "Acme",
            "email": "buy@acme.example",
            "phone": "555-0100",
            "city_tier": "tier1",
            "region_id": "tier1",
            "owner_rep_id": "rep-001",
            "created_at": "2023-05-01 10:00:00",
            "updated_at": T0,
        },
        {
            "customer_id": "c-000002",
            "customer_name": "Bolt",
            "email": None,
            "phone": None,
            "city_tier": "tier2",
            "region_id": "tier2",
            "owner_rep_id": None,
            "created_at": "2025-01-15 10:00:00",
            "updated_at": T0,
        },
    ],
    "campaigns": [
        {
            "campaign_id": "cmp-ads-01",
            "campaign_name": "Online ads",
            "source": "online_ads",
            "start_date": "2025-03-01",
            "end_date": "2025-03-31",
            "budget": 500000.0,
            "updated_at": T0,
        },
    ],
    "campaign_spend": [
        {
            "campaign_id": "cmp-ads-01",
            "spend_date": "2025-03-01",
            "amount": 16000.0,
            "updated_at": T0,
        },
    ],
    "leads": [
        {
            "lead_id": "00Q5g00000AbCdEAAV",  # a CRM's ids are text (Salesforce: 18 characters)
            "source": "online_ads",
            "campaign_id": "cmp-ads-01",
            "rep_id": "rep-002",
            "created_at": "2025-01-10 08:00:00",
            "converted_at": "2025-01-15 10:00:00",
            "customer_id": "c-000002",
            "updated_at": T0,
        },
    ],
    "products": [
        {
            "product_id": "p-0001",
            "product_name": "Core widget",
            "tier": "core",
            "launch_date": "2020-01-01",
            "list_price": 3000.0,
            "updated_at": T0,
        },
        {
            "product_id": "p-0002",
            "product_name": "New gadget",
            "tier": "new",
            "launch_date": "2025-02-01",
            "list_price": 1200.0,
            "updated_at": T0,
        },
    ],
    "orders": [
        {
            "order_id": 1,
            "customer_id": "c-000001",
            "rep_id": "rep-001",
            "order_date": "2025-02-10",
            "status": "completed",
            "currency": "CNY",
            "updated_at": T0,
        },
        {
            "order_id": 2,
            "customer_id": "c-000002",
            "rep_id": "rep-002",
            "order_date": "2025-02-11",
            "status": "completed",
            "currency": "CNY",
            "updated_at": T0,
        },
    ],
    "order_lines": [
        {
            "order_line_id": 1,
            "order_id": 1,
            "product_id": "p-0001",
            "quantity": 2,
            "unit_price": 3000.0,
            "discount": 100.0,
            "net_amount": 5900.0,
            "updated_at": T0,
        },
        {
            "order_line_id": 2,
            "order_id": 1,
            "product_id": "p-0002",
            "quantity": 1,
            "unit_price": 1200.0,
            "discount": 0.0,
            "net_amount": 1200.0,
            "updated_at": T0,
        },
        {
            "order_line_id": 3,
            "order_id": 2,
            "product_id": "p-0002",
            "quantity": 4,
            "unit_price": 1200.0,
            "discount": 0.5,
            "net_amount": 4799.5,
            "updated_at": T0,
        },
    ],
    "inventory_snapshots": [
        {
            "product_id": "p-0001",
            "snapshot_date": "2025-02-28",
            "units_on_hand": 120,
            "units_received": 0,
            "updated_at": T0,
        },
    ],
}


def _write_rows(settings: Settings, rows: Rows) -> None:
    for metadata, url in (
        (crm_metadata, settings.crm_database_url),
        (orders_metadata, settings.orders_database_url),
    ):
        engine = sa.create_engine(url)
        try:
            metadata.create_all(engine)
            with engine.begin() as connection:
                for name in metadata.tables:
                    if rows.get(name):
                        columns = SOURCE_TABLES_BY_NAME[name].column_names
                        table = sa.table(name, *(sa.column(c) for c in columns))
                        connection.execute(sa.insert(table), rows[name])
        finally:
            engine.dispose()


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Settings with every path under tmp_path, the sources folder created."""
    configured = Settings().with_data_dir(tmp_path / "data")
    configured.sources_dir.mkdir(parents=True)
    return configured


@pytest.fixture
def world() -> Rows:
    """A fresh copy of the clean world, to extend or dirty before writing it."""
    return copy.deepcopy(CLEAN_WORLD)


@pytest.fixture
def write_sources(settings: Settings) -> Callable[[Rows], None]:
    """Append rows to the source databases of `settings` (creating tables as needed)."""
    return lambda rows: _write_rows(settings, rows)


@pytest.fixture
def source_sql(settings: Settings) -> Callable[[str, str], None]:
    """Run one SQL statement on a source system ("crm" or "orders")."""

    def run(system: str, statement: str) -> None:
        url = {"crm": settings.crm_database_url, "orders": settings.orders_database_url}[system]
        engine = sa.create_engine(url)
        try:
            with engine.begin() as connection:
                connection.exec_driver_sql(statement)
        finally:
            engine.dispose()

    return run


@pytest.fixture
def query(settings: Settings) -> Callable[..., list[tuple]]:
    """Rows of a query on the warehouse, opened read-only."""

    def run(statement: str, params: list | None = None) -> list[tuple]:
        connection = duckdb.connect(str(settings.warehouse_path), read_only=True)
        try:
            return connection.execute(statement, params or []).fetchall()
        finally:
            connection.close()

    return run


@pytest.fixture
def ingest(settings: Settings) -> Callable[..., dict[str, IngestResult]]:
    """Load every source table (parents first); results by table name."""

    def run(
        progress: ProgressCallback | None = None, chunk_size: int | None = None
    ) -> dict[str, IngestResult]:
        configured = replace(settings, ingest_chunk_size=chunk_size or settings.ingest_chunk_size)
        return {r.source_table: r for r in ingest_all(configured, progress)}

    return run
