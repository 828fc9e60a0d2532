"""The load log: batches, their counts, and the watermark each completed batch leaves.

The watermark only moves in `complete_batch`, in the same transaction that marks the
batch completed, so a batch that fails or is killed leaves it where it was.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

import duckdb

from orchestration.ingest.warehouse_tables import (
    LOAD_BATCHES_TABLE,
    LOAD_WATERMARKS_TABLE,
    qualified,
)

BATCHES = qualified(LOAD_BATCHES_TABLE)
WATERMARKS = qualified(LOAD_WATERMARKS_TABLE)
ERROR_TEXT_LIMIT = 2000


@dataclass
class BatchCounts:
    """Running counts of one batch; rows_read == rows_loaded + rows_quarantined."""

    rows_read: int = 0
    rows_loaded: int = 0  # accepted rows, new or already in raw from an earlier batch
    rows_new: int = 0  # accepted rows this batch inserted
    rows_quarantined: int = 0

    def values(self) -> list[int]:
        return [self.rows_read, self.rows_loaded, self.rows_new, self.rows_quarantined]


def utc_now() -> datetime:
    """Naive UTC: the clock of every load-log and `_loaded_at` timestamp."""
    return datetime.now(UTC).replace(tzinfo=None)


def new_batch_id(table: str, started_at: datetime) -> str:
    return f"{table}-{started_at:%Y%m%dT%H%M%S}Z-{uuid.uuid4().hex[:8]}"


def current_watermark(connection: duckdb.DuckDBPyConnection, table: str) -> datetime | None:
    row = connection.execute(
        f"select watermark from {WATERMARKS} where source_table = ?", [table]
    ).fetchone()
    return row[0] if row else None


def start_batch(
    connection: duckdb.DuckDBPyConnection, table: str, since: datetime | None
) -> tuple[str, datetime]:
    """Record a running batch; earlier batches of the table still running were killed."""
    started_at = utc_now()
    batch_id = new_batch_id(table, started_at)
    connection.begin()
    try:
        connection.execute(
            f"update {BATCHES} set status = 'abandoned', finished_at = ? "
            "where source_table = ? and status = 'running'",
            [started_at, table],
        )
        connection.execute(
            f"insert into {BATCHES} (batch_id, source_table, started_at, status, since, "
            "rows_read, rows_loaded, rows_new, rows_quarantined) "
            "values (?, ?, ?, 'running', ?, 0, 0, 0, 0)",
            [batch_id, table, started_at, since],
        )
        connection.commit()
    except BaseException:
        connection.rollback()
        raise
    return batch_id, started_at


def record_progress(
    connection: duckdb.DuckDBPyConnection, batch_id: str, counts: BatchCounts
) -> None:
    """Update the running counts; called inside the chunk's transaction."""
    connection.execute(
        f"update {BATCHES} set rows_read = ?, rows_loaded = ?, rows_new = ?, "
        "rows_quarantined = ? where batch_id = ?",
        [*counts.values(), batch_id],
    )


def complete_batch(
    connection: duckdb.DuckDBPyConnection,
    batch_id: str,
    table: str,
    watermark: datetime | None,
    counts: BatchCounts,
) -> datetime:
    """Mark the batch completed and move the table's watermark, atomically."""
    finished_at = utc_now()
    connection.begin()
    try:
        connection.execute(
            f"update {BATCHES} set status = 'completed', finished_at = ?, watermark = ?, "
            "rows_read = ?, rows_loaded = ?, rows_new = ?, rows_quarantined = ? "
            "where batch_id = ?",
            [finished_at, watermark, *counts.values(), batch_id],
        )
        connection.execute(f"delete from {WATERMARKS} where source_table = ?", [table])
        connection.execute(
            f"insert into {WATERMARKS} (source_table, watermark, batch_id) values (?, ?, ?)",
            [table, watermark, batch_id],
        )
        connection.commit()
    except BaseException:
        connection.rollback()
        raise
    return finished_at


def fail_batch(
    connection: duckdb.DuckDBPyConnection, batch_id: str, counts: BatchCounts, error: str
) -> None:
    """Mark the batch failed with what it had committed; the watermark stays."""
    connection.execute(
        f"update {BATCHES} set status = 'failed', finished_at = ?, rows_read = ?, "
        "rows_loaded = ?, rows_new = ?, rows_quarantined = ?, error = ? where batch_id = ?",
        [utc_now(), *counts.values(), error[:ERROR_TEXT_LIMIT], batch_id],
    )
