"""The writer: SQLite text storage, the typed path other databases take, and its guards."""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal

import pytest
import sqlalchemy as sa

from orchestration.demo_sources import writer
from orchestration.demo_sources.writer import SourceWriter
from orchestration.ingest.extract import extract_statement
from orchestration.ingest.mapping import load_mapping
from orchestration.ingest.source_tables import crm_metadata, orders_metadata, products
from orchestration.settings import Settings
from tests.demo_sources.demo_world import World, generate_world

PRODUCT_ROWS = {
    "product_id": ["p-0001", "p-0002"],
    "product_name": ["Aurora Air Purifier", "Filter Cartridge S"],
    "tier": ["core", "long_tail"],
    "launch_date": ["2021-11-29", "2020-03-20"],
    "list_price": [2599.0, 49.9],
    "updated_at": ["2021-11-22 10:00:00", "2020-03-13 10:00:00"],
}


def _read_products(url: str) -> list[sa.Row]:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as connection:
            return connection.execute(sa.select(products).order_by(products.c.product_id)).all()
    finally:
        engine.dispose()


def test_sqlite_rows_keep_text_dates_and_read_back_typed(tmp_path):
    url = f"sqlite:///{tmp_path / 'orders.sqlite'}"
    with SourceWriter(url, orders_metadata) as target:
        written = target.write(products, PRODUCT_ROWS, [("p-0003", "Odd", "new", "n/a", 1.0, "x")])

    assert written == 3
    engine = sa.create_engine(url)
    with engine.connect() as connection:
        stored = connection.exec_driver_sql(
            "select launch_date, updated_at from products order by rowid"
        ).all()
    engine.dispose()
    assert stored[:2] == [
        ("2021-11-29", "2021-11-22 10:00:00"),
        ("2020-03-20", "2020-03-13 10:00:00"),
    ]
    assert stored[2] == ("n/a", "x")  # ready-made dirty tuples go in as they are


def test_the_typed_path_hands_drivers_dates_and_decimals(tmp_path, monkeypatch):
    monkeypatch.setattr(writer, "is_sqlite", lambda url: False)  # take the other-database path
    url = f"sqlite:///{tmp_path / 'orders.sqlite'}"
    with SourceWriter(url, orders_metadata) as target:
        target.write(products, PRODUCT_ROWS)

    rows = _read_products(url)
    assert rows[0].launch_date == date(2021, 11, 29)
    assert rows[0].list_price == Decimal("2599.00")
    assert rows[1].list_price == Decimal("49.90")
    assert rows[1].updated_at == datetime(2020, 3, 13, 10, 0, 0)


def test_a_typed_target_gets_only_dirty_rows_its_types_hold(tmp_path, monkeypatch):
    monkeypatch.setattr(writer, "is_sqlite", lambda url: False)
    world: World = generate_world(tmp_path, orders_per_quarter=30, reference_date=date(2025, 3, 1))

    assert world.summary.skipped_dirty_kinds == ("text_in_numeric",)
    assert "text_in_numeric" not in world.summary.dirty_rows_by_kind
    assert world.summary.dirty_rows_by_kind["impossible_date"] >= 4
    text = world.value(
        "select count(*) from order_lines where typeof(quantity) = 'text'"
        " or typeof(unit_price) = 'text'"
    )
    assert text == 0
    dates = world.rows("select distinct order_date from orders where order_id is not null")
    assert all(date.fromisoformat(day[:10]) for (day,) in dates)
    stamps = world.rows("select distinct updated_at from orders")
    typed_stamp = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.000000$")
    assert all(typed_stamp.match(stamp) for (stamp,) in stamps)  # written by SQLAlchemy itself


def test_columns_out_of_table_order_are_refused_naming_the_table(tmp_path):
    shuffled = dict(reversed(list(PRODUCT_ROWS.items())))
    with (
        SourceWriter(f"sqlite:///{tmp_path / 'orders.sqlite'}", orders_metadata) as target,
        pytest.raises(ValueError, match="rows for table products have columns"),
    ):
        target.write(products, shuffled)


def test_every_table_is_indexed_on_updated_at_and_the_nightly_extract_uses_it(tmp_path):
    generate_world(tmp_path, orders_per_quarter=30, reference_date=date(2025, 3, 1))
    mapping = load_mapping(Settings().source_mapping_dir)
    since = datetime(2025, 2, 27, 2, 0)
    for system, metadata in (("crm", crm_metadata), ("orders", orders_metadata)):
        engine = sa.create_engine(f"sqlite:///{tmp_path / 'sources' / f'{system}.sqlite'}")
        try:
            with engine.connect() as connection:
                for table in metadata.sorted_tables:
                    indexed = connection.exec_driver_sql(
                        f"select name from pragma_index_list('{table.name}')"
                    ).all()
                    assert indexed == [(f"ix_{table.name}_updated_at",)]
                    statement = extract_statement(mapping.table(table.name), since)
                    compiled = statement.compile(dialect=engine.dialect)
                    plan = connection.exec_driver_sql(
                        f"explain query plan {compiled}", (since.isoformat(sep=" "),)
                    ).all()
                    assert any(f"ix_{table.name}_updated_at" in row[-1] for row in plan), plan
        finally:
            engine.dispose()
