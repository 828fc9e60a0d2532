"""Reading sources: raw values, chunking, the incremental filter, unreachable sources."""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import datetime

import pytest
import sqlalchemy as sa
from sqlalchemy.dialects import registry
from sqlalchemy.dialects.sqlite.pysqlite import SQLiteDialect_pysqlite

from orchestration.ingest.extract import (
    SourceUnavailableError,
    masked_url,
    open_source,
    read_chunks,
)
from orchestration.ingest.load import ingest_all
from orchestration.ingest.mapping import load_mapping
from orchestration.settings import Settings

DEMO_MAPPING = load_mapping(Settings().source_mapping_dir)
ORDER_LINES = DEMO_MAPPING.table("order_lines")
ORDERS = DEMO_MAPPING.table("orders")


def test_dirty_values_arrive_raw_in_bounded_chunks(settings, world, write_sources) -> None:
    world["order_lines"].append(
        {**world["order_lines"][0], "order_line_id": 9, "quantity": "twelve"}
    )
    world["orders"].append({**world["orders"][0], "order_id": 9, "order_date": "2025-02-30"})
    write_sources(world)
    url = settings.orders_database_url
    with open_source(ORDER_LINES, url) as connection:
        chunks = list(read_chunks(connection, ORDER_LINES, url, None, chunk_size=3))
        orders = next(read_chunks(connection, ORDERS, url, None, chunk_size=10))
    assert [len(c) for c in chunks] == [3, 1]
    assert list(chunks[-1].columns) == list(ORDER_LINES.columns)
    assert chunks[-1].loc[0, "quantity"] == "twelve"
    assert orders.set_index("order_id").loc["9", "order_date"] == "2025-02-30"


def test_incremental_read_starts_at_since(settings, world, write_sources) -> None:
    world["orders"][1]["updated_at"] = "2025-04-02 08:00:00"
    write_sources(world)
    url = settings.orders_database_url
    with open_source(ORDERS, url) as connection:
        frames = list(read_chunks(connection, ORDERS, url, datetime(2025, 4, 1), 10))
    assert [row for frame in frames for row in frame["order_id"]] == ["2"]


def test_missing_sqlite_file_is_named_and_not_created(settings) -> None:
    with pytest.raises(SourceUnavailableError) as raised:
        ingest_all(settings)
    message = str(raised.value)
    assert "crm source for table regions" in message
    assert str(settings.sources_dir / "crm.sqlite") in message
    assert "CRM_DATABASE_URL" in message
    assert not (settings.sources_dir / "crm.sqlite").exists()


class UnreachableServerDialect(SQLiteDialect_pysqlite):
    """A server-style URL (user, password, host) whose server never answers.

    Stands in for a database server that is down: connecting opens a folder as a SQLite
    file, which fails with the driver's real OperationalError on every attempt.
    """

    def create_connect_args(self, url: sa.engine.URL) -> tuple[list, dict]:
        return [url.database], {}


@pytest.fixture
def unreachable_url(tmp_path) -> str:
    registry.register("unreachable", __name__, "UnreachableServerDialect")
    folder = tmp_path / "server-down"
    folder.mkdir()
    return f"unreachable://etl:s3cret-pw@db.example:5432/{folder}"


def test_unreachable_source_retries_then_names_it_with_password_masked(
    unreachable_url, caplog
) -> None:
    caplog.set_level(logging.WARNING)
    with (
        pytest.raises(SourceUnavailableError) as raised,
        open_source(ORDERS, unreachable_url, first_retry_delay=0.01),
    ):
        pass
    message = str(raised.value)
    assert message.startswith(
        "orders source for table orders at unreachable://etl:***@db.example:5432/"
    )
    assert "cannot connect after 3 attempts (unable to open database file)" in message
    assert "ORDERS_DATABASE_URL" in message and "sources/demo/orders.yml" in message
    assert "s3cret-pw" not in message
    retries = [r.getMessage() for r in caplog.records if "retrying" in r.getMessage()]
    assert len(retries) == 2
    assert all("s3cret-pw" not in m and "etl:***@" in m for m in retries)


def test_unreachable_source_fails_the_batch_and_keeps_no_password(
    settings, unreachable_url, query
) -> None:
    configured = replace(settings, crm_database_url=unreachable_url)
    with pytest.raises(SourceUnavailableError, match="crm source for table regions"):
        ingest_all(configured)
    status, error = query("select status, error from raw.load_batches")[0]
    assert status == "failed"
    assert "etl:***@db.example" in error and "s3cret-pw" not in error
    assert query("select count(*) from raw.load_watermarks") == [(0,)]


def test_masked_url_hides_only_the_password() -> None:
    url = "postgresql+psycopg://etl:s3cret@db.example:5432/crm"
    assert masked_url(url) == "postgresql+psycopg://etl:***@db.example:5432/crm"


def test_missing_driver_is_named(tmp_path) -> None:
    url = "nosuchdb://etl:s3cret@db.example/crm"
    with (
        pytest.raises(SourceUnavailableError, match="no database driver") as raised,
        open_source(ORDERS, url),
    ):
        pass
    assert "s3cret" not in str(raised.value)


def test_a_source_without_the_table_is_named(settings) -> None:
    settings.sources_dir.joinpath("crm.sqlite").touch()  # an empty SQLite database
    with pytest.raises(SourceUnavailableError) as raised:
        ingest_all(settings)
    assert "crm source for table regions" in str(raised.value)
    assert "cannot read the table (no such table: regions)" in str(raised.value)


@pytest.mark.parametrize("chunk_size", [1, 2, 3, 10])
def test_text_that_is_not_utf8_arrives_as_bytes_wherever_it_sits(
    settings, world, write_sources, source_sql, chunk_size
) -> None:
    # Bad text in the first row, in two rows in a row and in the last: SQLite decodes
    # text in C and hands a bad row over again with its bytes, so no row is lost.
    world["orders"] = [
        {**world["orders"][0], "order_id": order_id, "customer_id": f"c-{order_id}"}
        for order_id in range(1, 7)
    ]
    write_sources(world)
    bad = "cast(x'ff41' as text)"
    source_sql("orders", f"update orders set customer_id = {bad} where order_id in (1, 3, 4, 6)")
    source_sql("orders", f"update orders set status = {bad} where order_id = 4")
    url = settings.orders_database_url
    with open_source(ORDERS, url) as connection:
        frames = list(read_chunks(connection, ORDERS, url, None, chunk_size))
    rows = [row for frame in frames for row in frame.to_dict("records")]
    assert [row["order_id"] for row in rows] == ["1", "2", "3", "4", "5", "6"]
    undecodable = b"\xffA"
    expected_customers = [undecodable if n in (1, 3, 4, 6) else f"c-{n}" for n in range(1, 7)]
    assert [row["customer_id"] for row in rows] == expected_customers
    assert [row["status"] for row in rows] == ["completed"] * 3 + [undecodable] + ["completed"] * 2
