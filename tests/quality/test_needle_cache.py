"""The personal-data scan keeps its needles beside the warehouse between publishes, and
finds exactly what a scan that works them out afresh finds."""

from __future__ import annotations

import stat
from collections.abc import Iterator
from contextlib import contextmanager

import duckdb
import pytest

from orchestration.quality.needle_cache import needle_cache_path
from orchestration.quality.personal_data import (
    WarehouseCustomers,
    personal_data_needles,
    scan_for_personal_data,
)
from orchestration.store_reader import open_store_read_only

FIRST_LOAD = "2026-11-24 02:00:00"
SECOND_LOAD = "2026-11-25 02:00:00"
# the published store (below) names the customer Olga Petrova in one revision reason
OLGA_PETROVA_FOUND = {("rpt_target_tree", "revision_reason", "listed value", 1)}


def findings_of(source, needles) -> set[tuple[str, str, str, int]]:
    return {(f.table, f.column, f.kind, f.rows) for f in scan_for_personal_data(source, needles)}


@contextmanager
def raw_schema(settings) -> Iterator[duckdb.DuckDBPyConnection]:
    """The warehouse (created if need be), with its raw schema, open for writing."""
    settings.warehouse_path.parent.mkdir(parents=True, exist_ok=True)
    with duckdb.connect(str(settings.warehouse_path)) as warehouse:
        warehouse.execute("create schema if not exists raw")
        yield warehouse


def add_customers(settings, rows: str, loaded_at: str) -> None:
    """Append (customer_id, customer_name, email, phone) VALUES rows to raw.customers, as
    one ingest batch would, creating the warehouse (with a rep) the first time."""
    with raw_schema(settings) as warehouse:
        warehouse.execute(
            "create table if not exists raw.customers (customer_id varchar, customer_name "
            "varchar, email varchar, phone varchar, _batch_id varchar, _loaded_at timestamp)"
        )
        warehouse.execute(
            "create table if not exists raw.reps as select 'rep-007' as rep_id, "
            "'Jing Huang' as rep_name"
        )
        warehouse.execute(
            f"insert into raw.customers select *, 'batch', timestamp '{loaded_at}' "
            f"from (values {rows})"
        )


@pytest.fixture
def published(store):
    """A store naming two customers and a rep, and one mentioning nobody."""
    return store(
        [
            "update rpt_action_plans set owner = 'Jing Huang'",  # the rep: may be published
            "update rpt_warnings set message = 'visit ZHANG   wei today' where level = 'red'",
            "update rpt_warnings set owner = 'call 555-0199' where level = 'amber'",
            "update rpt_target_tree set revision_reason = 'Olga Petrova left' "
            "where node_id = 'total'",
        ]
    )


def test_the_first_scan_builds_the_cache_and_finds_what_a_fresh_scan_finds(settings, published):
    add_customers(
        settings,
        "('c-1', '  Zhang Wei ', 'zhang.wei@example.com', null), "
        "('c-2', 'Jing Huang', null, '555-0199'), ('c-3', 'Li', null, null)",
        FIRST_LOAD,
    )
    cached = WarehouseCustomers(settings)
    found = findings_of(published, cached)

    assert found == {
        ("rpt_warnings", "message", "listed value", 1),  # Zhang Wei
        ("rpt_warnings", "owner", "listed value", 1),  # the phone, below the phone pattern
    }
    assert found == findings_of(published, WarehouseCustomers(settings, use_cache=False))
    assert found == findings_of(published, personal_data_needles(settings))
    assert cached.cache_use is not None and cached.cache_use.rebuilt
    # '  Zhang Wei ', the email, 'Jing Huang', the phone, 'Li': distinct values, reps kept
    assert cached.cache_use.values_added == 5
    path = needle_cache_path(settings.warehouse_path)
    assert path.exists()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600  # as personal as raw.customers


def test_a_later_scan_adds_only_the_values_loaded_since(settings, published):
    add_customers(settings, "('c-1', 'Zhang Wei', null, null)", FIRST_LOAD)
    assert findings_of(published, WarehouseCustomers(settings)) == {
        ("rpt_warnings", "message", "listed value", 1)
    }

    # the next night: Zhang Wei updated (same name), a new customer Olga Petrova
    add_customers(
        settings,
        "('c-1', 'Zhang Wei', 'zw@example.com', null), ('c-9', 'Olga Petrova', null, null)",
        SECOND_LOAD,
    )
    again = WarehouseCustomers(settings)
    found = findings_of(published, again)

    assert again.cache_use is not None and not again.cache_use.rebuilt
    assert again.cache_use.values_added == 2  # the email and Olga Petrova; not Zhang Wei again
    assert found == {
        ("rpt_warnings", "message", "listed value", 1),
        ("rpt_target_tree", "revision_reason", "listed value", 1),
    }
    assert found == findings_of(published, personal_data_needles(settings))

    unchanged = WarehouseCustomers(settings)
    assert findings_of(published, unchanged) == found
    assert unchanged.cache_use is not None
    assert (unchanged.cache_use.rebuilt, unchanged.cache_use.values_added) == (False, 0)


def test_a_removed_customer_rebuilds_the_cache_and_is_no_needle_any_more(settings, published):
    both = "('c-1', 'Zhang Wei', null, null), ('c-9', 'Olga Petrova', null, null)"
    add_customers(settings, both, FIRST_LOAD)
    assert len(findings_of(published, WarehouseCustomers(settings))) == 2

    with duckdb.connect(str(settings.warehouse_path)) as warehouse:  # an erasure request
        warehouse.execute("delete from raw.customers where customer_id = 'c-9'")
    after = WarehouseCustomers(settings)

    assert findings_of(published, after) == {("rpt_warnings", "message", "listed value", 1)}
    assert after.cache_use is not None and after.cache_use.rebuilt
    assert after.cache_use.values_added == 1


def test_a_damaged_cache_file_is_not_trusted_and_is_rebuilt(settings, published):
    add_customers(settings, "('c-9', 'Olga Petrova', null, null)", FIRST_LOAD)
    path = needle_cache_path(settings.warehouse_path)
    path.write_bytes(b"not a database" * 1000)

    damaged = WarehouseCustomers(settings)
    assert findings_of(published, damaged) == OLGA_PETROVA_FOUND  # worked out without the cache
    assert damaged.cache_use is None
    assert not path.exists()

    rebuilt = WarehouseCustomers(settings)
    assert findings_of(published, rebuilt) == OLGA_PETROVA_FOUND
    assert rebuilt.cache_use is not None and rebuilt.cache_use.rebuilt


def test_a_warehouse_without_load_times_is_scanned_without_a_cache(settings, published):
    with raw_schema(settings) as warehouse:
        warehouse.execute(
            "create table raw.customers as select 'c-9' as customer_id, "
            "'Olga Petrova' as customer_name"
        )
    needles = WarehouseCustomers(settings)

    assert findings_of(published, needles) == OLGA_PETROVA_FOUND
    assert needles.cache_use is None
    assert not needle_cache_path(settings.warehouse_path).exists()


def attached_databases(connection: duckdb.DuckDBPyConnection) -> set[str]:
    return {
        name
        for (name,) in connection.execute("select database_name from duckdb_databases()").fetchall()
    }


def test_a_scan_on_an_open_connection_leaves_nothing_attached(settings, published):
    add_customers(settings, "('c-9', 'Olga Petrova', null, null)", FIRST_LOAD)
    connection = open_store_read_only(published)  # as the publish gate opens a store
    try:
        before = attached_databases(connection)
        needles = WarehouseCustomers(settings)
        assert findings_of(connection, needles) == {
            ("rpt_target_tree", "revision_reason", "listed value", 1)
        }
        assert needles.cache_use is not None
        assert attached_databases(connection) == before
        assert (
            connection.execute(
                "select table_name from information_schema.tables where table_catalog = 'temp'"
            ).fetchall()
            == []
        )
    finally:
        connection.close()
    # the cache file is free for the next publish (another process could open it)
    with duckdb.connect(str(needle_cache_path(settings.warehouse_path))) as cache:
        assert cache.execute("select count(*) from needles").fetchone() == (1,)


def test_a_customer_changed_in_place_rebuilds_the_cache(settings, published):
    add_customers(settings, "('c-9', 'Olga Smirnova', null, null)", FIRST_LOAD)
    assert findings_of(published, WarehouseCustomers(settings)) == set()

    with raw_schema(settings) as warehouse:  # same rows, same load time, another name
        warehouse.execute("update raw.customers set customer_name = 'Olga Petrova'")
    after = WarehouseCustomers(settings)

    assert findings_of(published, after) == OLGA_PETROVA_FOUND
    assert after.cache_use is not None and after.cache_use.rebuilt


def test_a_cache_of_another_layout_is_made_anew(settings, published):
    add_customers(settings, "('c-9', 'Olga Petrova', null, null)", FIRST_LOAD)
    with duckdb.connect(str(needle_cache_path(settings.warehouse_path))) as old:
        old.execute("create table read_state (layout integer, loaded_through timestamp)")
        old.execute(f"insert into read_state values (1, timestamp '{SECOND_LOAD}')")
        old.execute("create table needles (value varchar)")
    needles = WarehouseCustomers(settings)

    assert findings_of(published, needles) == OLGA_PETROVA_FOUND
    assert needles.cache_use is not None and needles.cache_use.rebuilt


def test_a_read_only_scan_connection_leaves_the_cache_alone(settings, published):
    add_customers(settings, "('c-9', 'Olga Petrova', null, null)", FIRST_LOAD)
    assert findings_of(published, WarehouseCustomers(settings)) == OLGA_PETROVA_FOUND
    path = needle_cache_path(settings.warehouse_path)
    kept = path.read_bytes()

    with duckdb.connect(str(published), read_only=True) as connection:  # cannot attach it
        needles = WarehouseCustomers(settings)
        assert findings_of(connection, needles) == OLGA_PETROVA_FOUND
    assert needles.cache_use is None
    assert path.read_bytes() == kept
