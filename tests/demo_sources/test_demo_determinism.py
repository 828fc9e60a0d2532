"""Same seed and reference date give the same data; regenerating is clean."""

from __future__ import annotations

import sqlite3

from tests.demo_sources.demo_world import World, content_hash, generate_world


def test_same_seed_and_reference_date_give_byte_identical_databases(tmp_path, small_world: World):
    again = generate_world(tmp_path)

    assert content_hash(again) == content_hash(small_world)
    assert again.crm.read_bytes() == small_world.crm.read_bytes()
    assert again.orders.read_bytes() == small_world.orders.read_bytes()


def test_another_seed_gives_other_data(tmp_path, small_world: World):
    other = generate_world(tmp_path, seed=8)

    assert content_hash(other) != content_hash(small_world)
    first_orders = "select customer_id, rep_id, order_date from orders order by rowid limit 50"
    assert other.rows(first_orders) != small_world.rows(first_orders)


def test_regenerating_over_old_files_replaces_them_completely(tmp_path, small_world: World):
    generate_world(tmp_path, seed=3, orders_per_quarter=500)  # bigger, different world first

    regenerated = generate_world(tmp_path)

    assert content_hash(regenerated) == content_hash(small_world)


def test_tables_of_others_in_a_sqlite_file_survive_regeneration(tmp_path):
    crm = tmp_path / "sources" / "crm.sqlite"
    crm.parent.mkdir()
    with sqlite3.connect(crm) as connection:
        connection.execute("create table notes (note text)")
        connection.execute("insert into notes values ('keep me')")
        connection.execute("create table customers (junk text)")

    world = generate_world(tmp_path, orders_per_quarter=50)

    assert world.rows("select note from notes", "crm") == [("keep me",)]
    assert (
        world.value("select count(*) from customers", "crm")
        == (world.summary.rows_per_table["customers"])
    )
