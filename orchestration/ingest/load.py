"""Incremental, chunked, idempotent load of one source table into `raw.<table>`.

Per chunk, in one DuckDB transaction (`chunk.py`): validate against the raw contract,
quarantine what fails (contract rules, `duplicate_key`, `unknown_<column>`), and append
the good rows that `raw.<table>` does not hold yet (same key and `updated_at`).
Re-reading rows loaded by an earlier batch (look-back, re-run, re-run after a crash)
therefore inserts nothing; quarantine rows are not repeated either. The watermark moves
only when the whole batch completes.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from contextlib import closing
from dataclasses import dataclass
from datetime import datetime, timedelta

import duckdb

from orchestration.ingest.batches import (
    BatchCounts,
    complete_batch,
    current_watermark,
    fail_batch,
    start_batch,
)
from orchestration.ingest.chunk import REGISTRY_TABLES, add_outcome, load_chunk
from orchestration.ingest.extract import masked_url, open_source, read_batches, source_url
from orchestration.ingest.foreign_keys import FOREIGN_KEYS, load_order
from orchestration.ingest.mapping import SourceMapping, load_mapping
from orchestration.ingest.prefetch import cyclic_gc_paused, prefetched
from orchestration.ingest.raw_layout import raw_columns
from orchestration.ingest.screen import LandedChunk, land_rows
from orchestration.ingest.source_tables import SourceTable
from orchestration.ingest.warehouse_tables import (
    ensure_ingest_tables,
    qualified,
    quote,
    raw_table_exists,
)
from orchestration.settings import Settings
from orchestration.warehouse import connect_warehouse

log = logging.getLogger(__name__)


class MissingParentError(RuntimeError):
    """A child table is loaded before the raw table its foreign keys point at."""


@dataclass(frozen=True)
class IngestProgress:
    """Where a running batch stands after a committed chunk."""

    source_table: str
    batch_id: str
    chunk: int
    rows_read: int
    rows_new: int
    rows_quarantined: int
    seconds: float

    def message(self) -> str:
        return (
            f"{self.source_table}: chunk {self.chunk} committed, {self.rows_read:,} rows read, "
            f"{self.rows_new:,} new, {self.rows_quarantined:,} quarantined "
            f"({self.seconds:.1f}s)"
        )


ProgressCallback = Callable[[IngestProgress], None]


@dataclass(frozen=True)
class IngestResult:
    """What one batch did; `reconciled` means every row read was loaded or quarantined."""

    system: str
    source_table: str
    batch_id: str
    source: str  # the source URL, password masked
    since: datetime | None
    watermark: datetime | None
    rows_read: int
    rows_loaded: int
    rows_new: int
    rows_quarantined: int
    chunks: int
    seconds: float
    mapped: bool = True  # False: an optional table the source mapping leaves out

    @property
    def reconciled(self) -> bool:
        return self.rows_read == self.rows_loaded + self.rows_quarantined

    @property
    def rows_per_second(self) -> float:
        return self.rows_read / self.seconds if self.seconds > 0 else 0.0


# ---------------------------------------------------------------- one table
def _require_parents(connection: duckdb.DuckDBPyConnection, source: SourceTable) -> None:
    for fk in FOREIGN_KEYS[source.name]:
        if not raw_table_exists(connection, fk.parent_table):
            raise MissingParentError(
                f"cannot load {source.name}: its {fk.column} points at raw.{fk.parent_table}, "
                f"which has not been loaded yet. Load {fk.parent_table} first (the ingest "
                "assets and ingest_all do this in dependency order)."
            )


def _create_seen_table(connection: duckdb.DuckDBPyConnection, source: SourceTable) -> str:
    """A temporary table of the (key, updated_at) versions met so far in this batch."""
    name = f"ingest_seen_{source.name}"
    columns = raw_columns(source)
    body = ", ".join(f"{quote(n)} {columns[n]}" for n in [*source.key_columns, "updated_at"])
    connection.execute(f"create or replace temp table {quote(name)} ({body})")
    return quote(name)


def next_watermark(
    previous: datetime | None, latest_read: datetime | None, read_started_at: datetime
) -> datetime | None:
    """The watermark after a batch: the latest updated_at read, never beyond the read start.

    A source row stamped in the future (a wrong clock, a typo within the contract's
    horizon) would otherwise push the watermark past rows still to come. Capping at the
    start of the read (this machine's local clock; the look-back absorbs time-zone
    offsets) only makes the next batch re-read a little more, which is idempotent.
    The watermark never moves backwards.
    """
    if latest_read is None:
        return previous
    candidate = min(latest_read, read_started_at)
    return max(previous, candidate) if previous is not None else candidate


def ingest_table(
    connection: duckdb.DuckDBPyConnection,
    settings: Settings,
    source: SourceTable,
    progress: ProgressCallback | None = None,
    mapping: SourceMapping | None = None,
) -> IngestResult:
    """Load the rows of `source` changed since its watermark (minus the look-back), read
    through the source mapping (default: the settings' mapping folder).

    The caller holds the warehouse writer lock (`connect_warehouse`). On any error the
    batch is marked failed, the watermark stays, and the error propagates; rows of
    chunks already committed stay and a re-run skips them. An optional table the mapping
    leaves out gets its empty raw table and no batch.
    """
    clock = time.perf_counter()
    mapping = mapping or load_mapping(settings.source_mapping_dir)
    table_mapping = mapping.table(source.name)
    ensure_ingest_tables(connection, source)
    if table_mapping is None:
        return _not_mapped(source, mapping, time.perf_counter() - clock)
    url = source_url(settings, table_mapping)
    _require_parents(connection, source)
    previous = current_watermark(connection, source.name)
    since = previous - timedelta(hours=settings.ingest_lookback_hours) if previous else None
    batch_id, _ = start_batch(connection, source.name, since)
    read_started_at = datetime.now()  # the source's clock is unknown; see next_watermark
    committed = BatchCounts()
    latest: datetime | None = None
    chunks = 0
    seen = _create_seen_table(connection, source)
    [(fresh_after,)] = connection.execute(
        f"select max(updated_at) from {qualified(source.name)}"
    ).fetchall()
    registry_table = REGISTRY_TABLES[source.name]

    def source_chunks() -> Iterator[tuple[list[tuple], LandedChunk]]:
        with open_source(table_mapping, url) as source_connection:
            for rows in read_batches(
                source_connection, table_mapping, url, since, settings.ingest_chunk_size
            ):
                yield rows, land_rows(rows, registry_table)

    try:
        with cyclic_gc_paused(), closing(prefetched(source_chunks)) as chunks_read:
            for rows, landed in chunks_read:
                outcome = load_chunk(
                    connection, source, rows, landed, batch_id, seen, committed, fresh_after
                )
                committed = add_outcome(committed, outcome, len(rows))
                chunks += 1
                if outcome.latest_updated_at is not None:
                    stamp = outcome.latest_updated_at.to_pydatetime()
                    latest = stamp if latest is None else max(latest, stamp)
                if progress is not None:
                    progress(
                        IngestProgress(
                            source_table=source.name,
                            batch_id=batch_id,
                            chunk=chunks,
                            rows_read=committed.rows_read,
                            rows_new=committed.rows_new,
                            rows_quarantined=committed.rows_quarantined,
                            seconds=time.perf_counter() - clock,
                        )
                    )
        watermark = next_watermark(previous, latest, read_started_at)
        complete_batch(connection, batch_id, source.name, watermark, committed)
    except BaseException as exc:
        try:
            fail_batch(connection, batch_id, committed, f"{type(exc).__name__}: {exc}")
        except duckdb.Error:
            log.exception("could not mark batch %s failed", batch_id)
        raise
    finally:
        connection.execute(f"drop table if exists {seen}")
    return IngestResult(
        system=source.system,
        source_table=source.name,
        batch_id=batch_id,
        source=masked_url(url),
        since=since,
        watermark=watermark,
        rows_read=committed.rows_read,
        rows_loaded=committed.rows_loaded,
        rows_new=committed.rows_new,
        rows_quarantined=committed.rows_quarantined,
        chunks=chunks,
        seconds=time.perf_counter() - clock,
    )


def _not_mapped(source: SourceTable, mapping: SourceMapping, seconds: float) -> IngestResult:
    return IngestResult(
        system=source.system,
        source_table=source.name,
        batch_id="",
        source=f"not mapped in {mapping.folder}",
        since=None,
        watermark=None,
        rows_read=0,
        rows_loaded=0,
        rows_new=0,
        rows_quarantined=0,
        chunks=0,
        seconds=seconds,
        mapped=False,
    )


def ingest_all(settings: Settings, progress: ProgressCallback | None = None) -> list[IngestResult]:
    """Load every source table, parents first, under the warehouse writer lock."""
    mapping = load_mapping(settings.source_mapping_dir)
    with connect_warehouse(settings) as connection:
        return [
            ingest_table(connection, settings, source, progress, mapping) for source in load_order()
        ]
