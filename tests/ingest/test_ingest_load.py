"""Full loads: counts, typed raw rows, every dirty kind quarantined, reconciliation."""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal

import pytest

from orchestration.ingest.foreign_keys import load_order
from orchestration.ingest.load import MissingParentError, ingest_table
from orchestration.ingest.source_tables import SOURCE_TABLES, SOURCE_TABLES_BY_NAME
from orchestration.warehouse import connect_warehouse

T0 = "2025-03-01 09:00:00"
FINGERPRINT = re.compile(r"row=[0-9a-f]{10}$")  # keyless rows: a hash of all their values


def quarantine_rows(query) -> list[tuple]:
    rows = query(
        "select source_table, record_key, rule, column_name, bad_value from raw.quarantine"
    )
    return [(t, FINGERPRINT.sub("row=<hash>", k), *rest) for t, k, *rest in rows]


def test_full_load_counts_and_typed_values(world, write_sources, ingest, query) -> None:
    write_sources(world)
    results = ingest()
    assert list(results) == [t.name for t in load_order()]
    for source in SOURCE_TABLES:
        result = results[source.name]
        expected = len(world[source.name])
        assert (result.rows_read, result.rows_loaded, result.rows_new) == (expected,) * 3
        assert result.rows_quarantined == 0 and result.reconciled
        assert result.watermark == datetime(2025, 3, 1, 9, 0)
        assert query(f"select count(*) from raw.{source.name}") == [(expected,)]
    assert query(
        "select order_line_id, quantity, unit_price, net_amount, updated_at "
        "from raw.order_lines where order_line_id = '3'"
    ) == [("3", 4, Decimal("1200.00"), Decimal("4799.50"), datetime(2025, 3, 1, 9, 0))]
    assert query("select hire_date, monthly_salary from raw.reps where rep_id = 'rep-002'") == [
        (date(2024, 9, 1), Decimal("9000.00"))
    ]
    assert query("select valid_to from raw.rep_assignments where assignment_id = '1'") == [(None,)]
    assert query("select lead_id from raw.leads") == [("00Q5g00000AbCdEAAV",)]
    batch_ids = query("select distinct _batch_id from raw.order_lines")
    assert batch_ids == [(results["order_lines"].batch_id,)]
    assert query("select count(*) from raw.quarantine") == [(0,)]


def dirty_world(world: dict) -> dict:
    line = world["order_lines"][0]
    order = world["orders"][0]
    world["order_lines"] += [
        {**line, "order_line_id": None},  # null key
        {
            **line,
            "order_line_id": 11,
            "quantity": -2,
            "unit_price": 0.0,
            "discount": 0.0,
            "net_amount": 0.0,
        },  # negative quantity
        {**line, "order_line_id": 12, "product_id": "p-9999"},  # unknown product
        dict(line),  # exact copy of order line 1: duplicate key
        {**line, "order_line_id": 13, "quantity": "twelve"},  # text in an integer column
        {**line, "order_line_id": 14, "unit_price": "n/a"},  # text in a money column
        {**line, "order_line_id": 15, "order_id": 22},  # its order is quarantined
    ]
    world["orders"] += [
        {**order, "order_id": 21, "status": "shipped"},  # not an order status
        {**order, "order_id": 22, "order_date": "2025-02-30"},  # impossible date
        {**order, "order_id": 23, "order_date": "2099-01-01"},  # absurd year
    ]
    world["products"].append({**world["products"][0], "product_id": "p-0003", "tier": "hero"})
    return world


EXPECTED_QUARANTINE = {
    (
        "order_lines",
        "order_line_id=null, updated_at=" + T0 + ", row=<hash>",
        "not_null",
        "order_line_id",
        None,
    ),
    (
        "order_lines",
        "order_line_id=11, updated_at=" + T0,
        "greater_than_or_equal_to(0)",
        "quantity",
        "-2",
    ),
    (
        "order_lines",
        "order_line_id=12, updated_at=" + T0,
        "unknown_product_id",
        "product_id",
        "p-9999",
    ),
    (
        "order_lines",
        "order_line_id=1, updated_at=" + T0,
        "duplicate_key",
        "order_line_id,updated_at",
        "order_line_id=1, updated_at=" + T0,
    ),
    ("order_lines", "order_line_id=13, updated_at=" + T0, "type:integer", "quantity", "twelve"),
    ("order_lines", "order_line_id=14, updated_at=" + T0, "type:decimal", "unit_price", "n/a"),
    ("order_lines", "order_line_id=15, updated_at=" + T0, "unknown_order_id", "order_id", "22"),
    (
        "orders",
        "order_id=21, updated_at=" + T0,
        "isin(['completed', 'cancelled', 'refunded'])",
        "status",
        "shipped",
    ),
    ("orders", "order_id=22, updated_at=" + T0, "type:date", "order_date", "2025-02-30"),
    (
        "orders",
        "order_id=23, updated_at=" + T0,
        "not_after_one_year_from_today",
        "order_date",
        "2099-01-01",
    ),
    (
        "products",
        "product_id=p-0003, updated_at=" + T0,
        "isin(['core', 'new', 'long_tail'])",
        "tier",
        "hero",
    ),
}


def test_every_dirty_kind_is_quarantined_and_kept_out_of_raw(
    world, write_sources, ingest, query
) -> None:
    write_sources(dirty_world(world))
    results = ingest()
    quarantine = quarantine_rows(query)
    assert set(quarantine) == EXPECTED_QUARANTINE
    assert len(quarantine) == len(EXPECTED_QUARANTINE)
    assert query("select order_line_id from raw.order_lines order by 1") == [("1",), ("2",), ("3",)]
    assert query("select order_id from raw.orders order by 1") == [("1",), ("2",)]
    assert query("select product_id from raw.products order by 1") == [("p-0001",), ("p-0002",)]
    batch_of = {r.source_table: r.batch_id for r in results.values()}
    assert all(
        batch == batch_of[table]
        for table, batch in query("select source_table, batch_id from raw.quarantine")
    )
    lines = results["order_lines"]
    assert (lines.rows_read, lines.rows_loaded, lines.rows_new, lines.rows_quarantined) == (
        10,
        3,
        3,
        7,
    )


def test_counts_reconcile_for_every_table_and_in_the_load_log(
    world, write_sources, ingest, query
) -> None:
    write_sources(dirty_world(world))
    results = ingest()
    assert all(r.reconciled for r in results.values())
    logged = query(
        "select source_table, status, rows_read, rows_loaded, rows_new, rows_quarantined "
        "from raw.load_batches"
    )
    assert len(logged) == len(SOURCE_TABLES)
    for table, status, read, loaded, new, quarantined in logged:
        result = results[table]
        assert status == "completed"
        assert (read, loaded, new, quarantined) == (
            result.rows_read,
            result.rows_loaded,
            result.rows_new,
            result.rows_quarantined,
        )
        assert read == loaded + quarantined
        distinct = query(
            "select count(distinct record_key) from raw.quarantine where source_table = ?",
            [table],
        )[0][0]
        assert distinct == quarantined
    assert query("select count(*) from raw.orders")[0][0] == results["orders"].rows_new == 2


def test_duplicates_are_caught_across_chunks(world, write_sources, ingest, query) -> None:
    world["products"].append(dict(world["products"][0]))  # lands in a later chunk
    write_sources(world)
    results = ingest(chunk_size=1)
    assert results["products"].chunks == 3
    assert results["products"].rows_quarantined == 1
    assert query("select count(*) from raw.products where product_id = 'p-0001'") == [(1,)]
    assert query("select rule from raw.quarantine") == [("duplicate_key",)]


def test_a_child_loaded_before_its_parent_is_refused(settings, world, write_sources) -> None:
    write_sources(world)
    with (
        connect_warehouse(settings) as connection,
        pytest.raises(MissingParentError, match="raw.orders, which has not been loaded"),
    ):
        ingest_table(connection, settings, SOURCE_TABLES_BY_NAME["order_lines"])


def test_distinct_keyless_rows_stay_distinct_records(world, write_sources, ingest, query) -> None:
    line = world["order_lines"][0]
    world["order_lines"] += [
        {**line, "order_line_id": None, "quantity": 1, "net_amount": 2900.0},
        {**line, "order_line_id": None, "quantity": 3, "net_amount": 8900.0},
    ]
    write_sources(world)
    assert ingest()["order_lines"].rows_quarantined == 2
    ingest()
    keys = [k for (k,) in query("select record_key from raw.quarantine")]
    assert len(keys) == len(set(keys)) == 2
    assert all(FINGERPRINT.search(k) for k in keys)
