"""Sources that refuse connections or disappear mid-extract: bounded retries with back-off,
a clear error naming the source with its password masked, nothing partial marked
complete, and the watermark where it was."""

from __future__ import annotations

import logging
import shutil
import socket
import time
import uuid
from dataclasses import replace

import duckdb
import pytest

from orchestration.cli import main
from orchestration.ingest.extract import CONNECT_ATTEMPTS, SourceUnavailableError
from orchestration.ingest.load import IngestProgress, ingest_all, ingest_table
from orchestration.ingest.source_tables import SOURCE_TABLES_BY_NAME
from orchestration.warehouse import connect_warehouse
from tests.conftest import settings_in

BACK_OFF_SECONDS = 1.0 + 2.0  # waits after the first and the second failed attempt


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def refusing_url() -> tuple[str, str]:
    secret = f"s3cret-{uuid.uuid4().hex[:12]}"
    return f"postgresql+psycopg://etl:{secret}@127.0.0.1:{closed_port()}/crm", secret


def test_a_refused_connection_is_retried_then_named_with_the_password_masked(
    tmp_path, refusing_url, caplog
):
    url, secret = refusing_url
    settings = replace(settings_in(tmp_path), crm_database_url=url)
    caplog.set_level(logging.WARNING, logger="orchestration.ingest.extract")
    started = time.monotonic()
    with connect_warehouse(settings) as warehouse, pytest.raises(SourceUnavailableError) as failure:
        ingest_table(warehouse, settings, SOURCE_TABLES_BY_NAME["regions"])
    elapsed = time.monotonic() - started

    message = str(failure.value)
    assert "crm source for table regions at postgresql+psycopg://etl:***@127.0.0.1:" in message
    assert f"cannot connect after {CONNECT_ATTEMPTS} attempts" in message
    assert "Check CRM_DATABASE_URL" in message
    retries = [r.getMessage() for r in caplog.records if "retrying in" in r.getMessage()]
    assert len(retries) == CONNECT_ATTEMPTS - 1
    assert "retrying in 1.0s" in retries[0] and "retrying in 2.0s" in retries[1]  # back-off
    # bounded by the attempt count above; waited at least the back-off (a sleep is never short)
    assert elapsed >= BACK_OFF_SECONDS
    with duckdb.connect(str(settings.warehouse_path), read_only=True) as warehouse:
        batches = warehouse.execute("select status, error from raw.load_batches").fetchall()
        (watermarks,) = warehouse.execute("select count(*) from raw.load_watermarks").fetchone()
    assert [status for status, _ in batches] == ["failed"]
    assert watermarks == 0
    for text in (message, caplog.text, batches[0][1], settings.warehouse_path.read_bytes()):
        assert (secret.encode() if isinstance(text, bytes) else secret) not in text


def test_the_cli_retries_then_names_the_unreachable_source_without_its_password(
    tmp_path, refusing_url, monkeypatch, capsys
):
    url, secret = refusing_url
    monkeypatch.setenv("SALES_TARGETS_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("CRM_DATABASE_URL", url)
    started = time.monotonic()
    code = main(["run", "--quarter", "2026Q3"])
    elapsed = time.monotonic() - started
    output = capsys.readouterr()
    text = output.out + output.err
    assert code == 2
    assert "crm source postgresql+psycopg://etl:***@127.0.0.1:" in text
    assert f"is unreachable after {CONNECT_ATTEMPTS} attempts" in text
    assert text.count("retrying in") == CONNECT_ATTEMPTS - 1
    assert elapsed >= BACK_OFF_SECONDS
    assert secret not in text
    assert not (tmp_path / "data" / "warehouse.duckdb").exists()  # nothing started


def test_a_source_that_disappears_mid_extract_fails_the_batch_and_keeps_the_watermark(
    tmp_path, demo_sources
):
    settings = replace(settings_in(tmp_path), ingest_chunk_size=1000)
    shutil.copytree(demo_sources, settings.sources_dir)
    orders_file = settings.sources_dir / "orders.sqlite"
    intact = tmp_path / "orders-intact.sqlite"
    shutil.copy2(orders_file, intact)

    committed: list[int] = []

    def vanish_after_two_chunks(progress: IngestProgress) -> None:
        if progress.source_table != "inventory_snapshots":
            return
        committed.append(progress.rows_read)
        if progress.chunk == 2:
            with orders_file.open("r+b") as handle:  # the database file is emptied under us
                handle.truncate(0)

    with pytest.raises(SourceUnavailableError) as failure:
        ingest_all(settings, progress=vanish_after_two_chunks)
    message = str(failure.value)
    assert "orders source for table inventory_snapshots at sqlite:///" in message
    assert "lost the source while reading the table" in message
    with duckdb.connect(str(settings.warehouse_path), read_only=True) as warehouse:
        status, rows_read = warehouse.execute(
            "select status, rows_read from raw.load_batches "
            "where source_table = 'inventory_snapshots'"
        ).fetchone()
        watermark = warehouse.execute(
            "select watermark from raw.load_watermarks where source_table = 'inventory_snapshots'"
        ).fetchone()
    assert status == "failed"  # never completed
    # the chunks committed before the loss surfaced (the reader may have read one or two
    # ahead of the truncation), recorded as such
    assert rows_read == committed[-1] >= 2000
    assert watermark is None

    # the source comes back: a plain re-run completes without duplicating those chunks
    shutil.copy2(intact, orders_file)
    results = {r.source_table: r for r in ingest_all(settings)}
    inventory = results["inventory_snapshots"]
    assert inventory.reconciled
    with duckdb.connect(str(settings.warehouse_path), read_only=True) as warehouse:
        total, distinct = warehouse.execute(
            "select count(*), count(distinct (product_id, snapshot_date, updated_at)) "
            "from raw.inventory_snapshots"
        ).fetchone()
    assert total == distinct == inventory.rows_loaded
