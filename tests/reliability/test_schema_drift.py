"""Structural source problems: a missing table, a column dropped, added or retyped, an
empty table (`bad_inputs.STRUCTURAL_KINDS`), each applied to its own copy of the sources.

Every case starts from a warehouse that has loaded the clean sources once, so "the
watermark does not advance" and "nothing partial is loaded as complete" are measured
against a real previous state.
"""

from __future__ import annotations

import shutil
import sqlite3
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest

from orchestration.ingest.extract import SourceUnavailableError
from orchestration.ingest.load import ingest_all
from orchestration.settings import Settings
from tests.conftest import settings_in


@dataclass(frozen=True)
class LoadedWorld:
    settings: Settings


@pytest.fixture(scope="module")
def loaded_world(tmp_path_factory: pytest.TempPathFactory, demo_sources: Path) -> LoadedWorld:
    settings = settings_in(tmp_path_factory.mktemp("drift_base"))
    shutil.copytree(demo_sources, settings.sources_dir)
    ingest_all(settings)
    return LoadedWorld(settings)


@pytest.fixture
def drifted(loaded_world: LoadedWorld, tmp_path: Path) -> Settings:
    """A copy of the loaded world (sources and warehouse) to break."""
    settings = settings_in(tmp_path)
    shutil.copytree(loaded_world.settings.sources_dir, settings.sources_dir)
    shutil.copy2(loaded_world.settings.warehouse_path, settings.warehouse_path)
    return settings


def _sql(settings: Settings, database: str, *statements: str) -> None:
    connection = sqlite3.connect(settings.sources_dir / f"{database}.sqlite")
    try:
        for statement in statements:
            connection.execute(statement)
        connection.commit()
    finally:
        connection.close()


def _state(settings: Settings, table: str) -> tuple[object, int, list[tuple]]:
    with duckdb.connect(str(settings.warehouse_path), read_only=True) as warehouse:
        watermark = warehouse.execute(
            "select watermark from raw.load_watermarks where source_table = ?", [table]
        ).fetchone()
        (rows,) = warehouse.execute(f"select count(*) from raw.{table}").fetchone()
        batches = warehouse.execute(
            "select status, error from raw.load_batches where source_table = ? order by started_at",
            [table],
        ).fetchall()
    return (watermark[0] if watermark else None), rows, batches


def _stops_naming(settings: Settings, table: str, *words: str) -> None:
    watermark, rows, _ = _state(settings, table)
    with pytest.raises(SourceUnavailableError) as failure:
        ingest_all(settings)
    message = str(failure.value)
    for word in (table, *words):
        assert word in message, message
    after_watermark, after_rows, batches = _state(settings, table)
    assert after_watermark == watermark  # the watermark did not advance
    assert after_rows == rows  # nothing partial was loaded
    status, error = batches[-1]
    assert status == "failed" and table in error  # never marked complete


def test_a_missing_table_stops_the_run_naming_it(drifted):
    _sql(drifted, "orders", "drop table orders")
    _stops_naming(drifted, "orders", "no such table")


def test_a_dropped_column_stops_the_run_naming_table_and_column(drifted):
    _sql(drifted, "orders", "alter table order_lines drop column discount")
    _stops_naming(drifted, "order_lines", "discount")


def test_an_added_column_is_ignored(drifted):
    _sql(
        drifted,
        "orders",
        "alter table orders add column coupon_code text",
        "update orders set coupon_code = 'SPRING' || order_id, updated_at = updated_at",
    )
    before = _state(drifted, "orders")
    results = {r.source_table: r for r in ingest_all(drifted)}
    orders = results["orders"]
    assert orders.reconciled and orders.rows_read > 0
    with duckdb.connect(str(drifted.warehouse_path), read_only=True) as warehouse:
        (flagged,) = warehouse.execute(
            "select count(*) from raw.quarantine where batch_id = ?", [orders.batch_id]
        ).fetchone()
    assert flagged == 0  # the extra column is not a reason to reject a row
    with duckdb.connect(str(drifted.warehouse_path), read_only=True) as warehouse:
        columns = [c for (c,) in warehouse.execute(
            "select column_name from information_schema.columns "
            "where table_schema = 'raw' and table_name = 'orders'"
        ).fetchall()]  # fmt: skip
        (new_rows,) = warehouse.execute(
            "select count(*) from raw.orders where _batch_id = ?", [results["orders"].batch_id]
        ).fetchone()
    assert "coupon_code" not in columns
    assert new_rows == 0  # the same versions as before: nothing new, nothing lost
    assert _state(drifted, "orders")[1] == before[1]


def _fresh_load(settings: Settings) -> dict:
    settings.warehouse_path.unlink()
    return {r.source_table: r for r in ingest_all(settings)}


def test_a_column_retyped_to_text_with_the_same_digits_loads_the_same_values(drifted):
    with duckdb.connect(str(drifted.warehouse_path), read_only=True) as warehouse:
        expected = warehouse.execute(
            "select count(*), sum(quantity) from raw.order_lines"
        ).fetchone()
    _sql(
        drifted,
        "orders",
        "alter table order_lines rename column quantity to quantity_old",
        "alter table order_lines add column quantity text",
        "update order_lines set quantity = cast(quantity_old as text)",
        "alter table order_lines drop column quantity_old",
    )
    results = _fresh_load(drifted)
    assert results["order_lines"].reconciled
    with duckdb.connect(str(drifted.warehouse_path), read_only=True) as warehouse:
        loaded = warehouse.execute("select count(*), sum(quantity) from raw.order_lines").fetchone()
    assert loaded == expected


def test_a_column_retyped_beyond_recognition_quarantines_each_row_as_its_type(drifted):
    _sql(
        drifted,
        "orders",
        "update products set launch_date = cast(strftime('%s', launch_date) as integer)",
    )
    results = _fresh_load(drifted)
    products = results["products"]
    assert products.reconciled
    assert products.rows_loaded == 0 and products.rows_quarantined == products.rows_read
    with duckdb.connect(str(drifted.warehouse_path), read_only=True) as warehouse:
        rules = warehouse.execute(
            "select distinct rule from raw.quarantine where source_table = 'products' "
            "and column_name = 'launch_date'"
        ).fetchall()
    assert ("type:date",) in rules


def test_an_empty_table_completes_with_nothing_read_and_keeps_raw_and_watermark(drifted):
    watermark, rows, _ = _state(drifted, "campaign_spend")
    _sql(drifted, "crm", "delete from campaign_spend")
    results = {r.source_table: r for r in ingest_all(drifted)}
    assert results["campaign_spend"].rows_read == 0
    after_watermark, after_rows, batches = _state(drifted, "campaign_spend")
    assert (after_watermark, after_rows) == (watermark, rows)
    assert batches[-1][0] == "completed"
