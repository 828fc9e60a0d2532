"""Dirty rows: every kind present, spread over tables, recorded, and only on top of clean data."""

from __future__ import annotations

from collections import Counter
from datetime import date

import numpy as np

from orchestration.demo_sources.dirty import DIRTY_KINDS, KEY_COLUMNS, DirtyRowMaker
from tests.demo_sources.demo_world import World, content_hash, generate_world

SPREAD_OVER = {"orders", "order_lines", "customers", "products", "leads"}


def test_every_kind_is_present_and_spread_over_the_sales_and_crm_tables(small_world: World):
    summary = small_world.summary
    assert set(summary.dirty_rows_by_kind) == set(DIRTY_KINDS)
    assert all(count >= 1 for count in summary.dirty_rows_by_kind.values())
    assert {row.table for row in summary.dirty_rows} == SPREAD_OVER
    assert summary.skipped_dirty_kinds == ()
    assert sum(summary.dirty_rows_by_kind.values()) == len(summary.dirty_rows)


def test_the_databases_hold_each_kind(small_world: World):
    world = small_world
    null_keys = world.value("select count(*) from orders where order_id is null")
    null_keys += world.value("select count(*) from order_lines where order_line_id is null")
    null_keys += world.value("select count(*) from customers where customer_id is null", "crm")
    null_keys += world.value("select count(*) from leads where lead_id is null", "crm")
    assert null_keys == world.summary.dirty_rows_by_kind["null_key"]
    assert world.value("select count(*) from order_lines where quantity < 0") >= 1
    unknown = """select count(*) from order_lines
                 where product_id not in (select product_id from products)"""
    assert world.value(unknown) >= 1
    duplicates = """select count(*) from (select order_id from orders where order_id is not null
                    group by order_id, updated_at having count(*) > 1)"""
    duplicates_crm = """select count(*) from (select customer_id from customers
                        where customer_id is not null
                        group by customer_id, updated_at having count(*) > 1)"""
    assert world.value(duplicates) + world.value(duplicates_crm, "crm") >= 1
    impossible = """select count(*) from orders
                    where order_date like '%-02-30' or order_date >= '2099-01-01'"""
    assert world.value(impossible) >= 1
    text = """select count(*) from order_lines
              where typeof(quantity) = 'text' or typeof(unit_price) = 'text'"""
    assert world.value(text) >= 1
    assert world.value("select count(*) from products where typeof(list_price) = 'text'") >= 1


def test_each_recorded_dirty_row_is_in_its_table(small_world: World):
    for row in small_world.summary.dirty_rows:
        if row.key is None:
            continue
        database = "crm" if row.table in ("customers", "leads") else "orders"
        key_column = KEY_COLUMNS[row.table]
        found = small_world.rows(
            f"select {row.column} from {row.table} where cast({key_column} as text) = ?",
            database,
            (row.key,),
        )
        if row.kind == "duplicate_key":
            assert len(found) >= 2, row
        else:
            assert [str(value) for (value,) in found] == [row.bad_value], row


def test_without_dirty_share_the_world_is_clean_and_otherwise_unchanged(tmp_path):
    dirty = generate_world(tmp_path / "dirty", orders_per_quarter=60, dirty_share=0.05)
    clean = generate_world(tmp_path / "clean", orders_per_quarter=60, dirty_share=0.0)

    assert clean.summary.dirty_rows == () and clean.summary.dirty_rows_by_kind == {}
    assert clean.value("select count(*) from orders where order_id is null") == 0
    assert content_hash(dirty) != content_hash(clean)
    # Dirty rows come on top: the dirty world is the clean world plus the recorded rows.
    for table in SPREAD_OVER:
        database = "crm" if table in ("customers", "leads") else "orders"
        clean_rows = Counter(clean.rows(f"select * from {table}", database))
        dirty_rows = Counter(dirty.rows(f"select * from {table}", database))
        recorded = sum(1 for row in dirty.summary.dirty_rows if row.table == table)
        assert clean_rows - dirty_rows == Counter(), table
        assert (dirty_rows - clean_rows).total() == recorded > 0, table


def test_a_typed_database_gets_no_text_in_numbers_and_only_real_dates():
    maker = DirtyRowMaker(share=0.5, typed_database=True)
    columns = {
        "product_id": ["p-0001", "p-0002"],
        "product_name": ["Aurora", "Nimbus"],
        "tier": ["core", "core"],
        "launch_date": ["2024-02-29", "2023-05-01"],
        "list_price": [2599.0, 1899.0],
        "updated_at": ["2024-01-01 10:00:00", "2023-04-24 10:00:00"],
    }
    rows, records = maker.spoil(
        "products", columns, np.random.default_rng(1), at_least_one_each=True
    )

    assert {r.kind for r in records} == {"duplicate_key", "impossible_date"}
    for row, record in zip(rows, records, strict=True):
        date.fromisoformat(row[3])  # every launch date parses
        assert isinstance(row[4], float)
        if record.kind == "impossible_date":
            assert row[3].startswith("2099-") and row[3] != "2099-02-29"
