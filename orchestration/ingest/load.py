# Longer than 300 lines: one batch's life, from open to watermark, in one transaction.
"""Incremental, chunked, idempotent load of one source table into `raw.<table>`.

Per chunk, in one DuckDB transaction: validate against the raw contract, quarantine
what fails (contract rules, `duplicate_key`, `unknown_<column>`), and append the good
rows that `raw.<table>` does not hold yet (same key and `updated_at`). Re-reading rows
loaded by an earlier batch (look-back, re-run, re-run after a crash) therefore inserts
nothing; quarantine rows are not repeated either. The watermark moves only when the
whole batch completes.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

import duckdb
import pandas as pd

from models.raw import RAW_CONTRACTS, RawContract
from orchestration.ingest.batches import (
    BatchCounts,
    complete_batch,
    current_watermark,
    fail_batch,
    record_progress,
    start_batch,
    utc_now,
)
from orchestration.ingest.extract import masked_url, open_source, read_chunks, source_url
from orchestration.ingest.foreign_keys import FOREIGN_KEYS, ForeignKey, load_order
from orchestration.ingest.mapping import SourceMapping, load_mapping
from orchestration.ingest.raw_layout import QUARANTINE_TABLE, raw_columns
from orchestration.ingest.source_tables import SourceTable
from orchestration.ingest.validate import (
    empty_rejections,
    render_in_key,
    render_value,
    validate_chunk,
)
from orchestration.ingest.warehouse_tables import (
    QUARANTINE_COLUMNS,
    ensure_ingest_tables,
    qualified,
    quote,
    raw_table_exists,
)
from orchestration.settings import Settings
from orchestration.warehouse import connect_warehouse

log = logging.getLogger(__name__)

ROW = "_chunk_row"  # position of a row in its chunk, carried through DuckDB joins
DUPLICATE_KEY = "duplicate_key"


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


@dataclass(frozen=True)
class _ChunkOutcome:
    rows_loaded: int
    rows_new: int
    rows_quarantined: int
    latest_updated_at: pd.Timestamp | None


# ---------------------------------------------------------------- one chunk
def _typed_select(source: SourceTable, relation: str) -> str:
    """SELECT casting a registered frame's source columns to their raw types."""
    columns = raw_columns(source)
    casts = ", ".join(
        f"cast({quote(name)} as {columns[name]}) as {quote(name)}" for name in source.column_names
    )
    return f"select {casts} from {relation}"


def _version_match(left: str, right: str, source: SourceTable) -> str:
    names = [*source.key_columns, "updated_at"]
    return " and ".join(f"{left}.{quote(n)} = {right}.{quote(n)}" for n in names)


def _duplicate_rows(
    connection: duckdb.DuckDBPyConnection, source: SourceTable, typed: pd.DataFrame, seen: str
) -> tuple[set[int], pd.DataFrame]:
    """Rows repeating a (key, updated_at) met earlier in the batch, and the first sightings."""
    names = [*source.key_columns, "updated_at"]
    identifiable = typed[names].notna().all(axis=1)
    versions = typed.loc[identifiable, names].copy()
    repeated = versions.duplicated(keep="first")
    duplicates = set(versions.index[repeated])
    first = versions[~repeated].copy()
    first[ROW] = first.index
    connection.register("ingest_versions", first)
    try:
        typed_versions = f"select {ROW}, " + ", ".join(
            f"cast({quote(n)} as {raw_columns(source)[n]}) as {quote(n)}" for n in names
        )
        earlier = connection.execute(
            f"with v as ({typed_versions} from ingest_versions) "
            f"select v.{ROW} from v join {seen} as s on {_version_match('v', 's', source)}"
        ).fetchall()
    finally:
        connection.unregister("ingest_versions")
    met_before = {row for (row,) in earlier}
    duplicates |= met_before
    return duplicates, first[~first.index.isin(list(met_before))]


def _orphan_rows(
    connection: duckdb.DuckDBPyConnection, accepted: pd.DataFrame, foreign_keys: tuple
) -> dict[ForeignKey, list[int]]:
    """Accepted rows whose (non-null) foreign key has no parent in `raw.<parent>`."""
    if accepted.empty or not foreign_keys:
        return {}
    columns = sorted({fk.column for fk in foreign_keys})
    frame = accepted[columns].copy()
    frame[ROW] = frame.index
    connection.register("ingest_children", frame)
    try:
        orphans = {}
        for fk in foreign_keys:
            child, parent = quote(fk.column), quote(fk.parent_column)
            # A parent key equal to a child's lies within the chunk's key range: the range
            # lets DuckDB skip most of a large parent before matching.
            in_range = (
                f"p.{parent} between (select min({child}) from ingest_children) "
                f"and (select max({child}) from ingest_children)"
            )
            rows = connection.execute(
                f"select c.{ROW} from ingest_children as c where c.{child} is not null "
                f"and not exists (select 1 from {qualified(fk.parent_table)} as p "
                f"where {in_range} and p.{parent} = c.{child})"
            ).fetchall()
            if rows:
                orphans[fk] = [row for (row,) in rows]
    finally:
        connection.unregister("ingest_children")
    return orphans


def _record_key(source: SourceTable, chunk: pd.DataFrame, row: int) -> str:
    """`order_line_id=17, updated_at=2025-03-01 09:00:00`: the row version, as read.

    Rows without a full key also carry a fingerprint of all their values, so two
    different keyless rows stay two quarantine records while a re-read of one does not.
    """
    names = [*source.key_columns, "updated_at"]
    key = ", ".join(f"{n}={render_in_key(chunk.at[row, n])}" for n in names)
    if any(render_value(chunk.at[row, n]) is None for n in source.key_columns):
        values = "\x1f".join(render_in_key(v) for v in chunk.loc[row])
        key += f", row={hashlib.sha1(values.encode()).hexdigest()[:10]}"
    return key


def _record_keys(source: SourceTable, chunk: pd.DataFrame, rows: pd.Series) -> list[str]:
    return [_record_key(source, chunk, int(row)) for row in rows]


def _quarantine_frame(
    source: SourceTable,
    chunk: pd.DataFrame,
    rejections: pd.DataFrame,
    batch_id: str,
    loaded_at: datetime,
) -> pd.DataFrame:
    frame = rejections.drop_duplicates(subset=["row", "rule", "column_name"]).copy()
    frame["source_table"] = source.name
    frame["record_key"] = _record_keys(source, chunk, frame["row"])
    frame["batch_id"] = batch_id
    frame["loaded_at"] = loaded_at
    return frame[list(QUARANTINE_COLUMNS)]


def _insert_raw(
    connection: duckdb.DuckDBPyConnection,
    source: SourceTable,
    good: pd.DataFrame,
    batch_id: str,
    loaded_at: datetime,
) -> int:
    """Append rows whose (key, updated_at) is not in raw yet; return how many were new."""
    connection.register("ingest_good", good[list(source.column_names)])
    try:
        target = qualified(source.name)
        names = ", ".join(quote(n) for n in source.column_names)
        inserted = connection.execute(
            f"insert into {target} ({names}, _batch_id, _loaded_at) "
            f"with c as ({_typed_select(source, 'ingest_good')}) "
            f"select {', '.join(f'c.{quote(n)}' for n in source.column_names)}, ?, ? from c "
            f"where not exists (select 1 from {target} as r "
            f"where r.updated_at >= ? and {_version_match('r', 'c', source)})",
            [batch_id, loaded_at, good["updated_at"].min().to_pydatetime()],
        ).fetchone()
    finally:
        connection.unregister("ingest_good")
    return int(inserted[0]) if inserted else 0


def _insert_quarantine(connection: duckdb.DuckDBPyConnection, frame: pd.DataFrame) -> None:
    """Add quarantine rows not already recorded for the same record, rule and value."""
    connection.register("ingest_quarantine", frame)
    try:
        casts = ", ".join(
            f"cast({quote(n)} as {kind}) as {quote(n)}" for n, kind in QUARANTINE_COLUMNS.items()
        )
        same = " and ".join(
            f"e.{quote(n)} is not distinct from q.{quote(n)}"
            for n in ("source_table", "record_key", "rule", "column_name", "bad_value")
        )
        connection.execute(
            f"insert into {qualified(QUARANTINE_TABLE)} "
            f"with q as (select distinct {casts} from ingest_quarantine) "
            f"select q.* from q where not exists "
            f"(select 1 from {qualified(QUARANTINE_TABLE)} as e where {same})"
        )
    finally:
        connection.unregister("ingest_quarantine")


def _without_rows(frame: pd.DataFrame, rows: set[int]) -> pd.DataFrame:
    """`frame` without those of `rows` it holds (index = chunk row); no copy if none."""
    held = frame.index.intersection(sorted(rows)) if rows else []
    return frame.drop(index=held) if len(held) else frame


def load_chunk(
    connection: duckdb.DuckDBPyConnection,
    source: SourceTable,
    chunk: pd.DataFrame,
    batch_id: str,
    seen: str,
    committed: BatchCounts,
) -> _ChunkOutcome:
    """Validate one chunk and write it in one transaction, with the batch's running counts."""
    contract: type[RawContract] = RAW_CONTRACTS[source.name]
    verdict = validate_chunk(chunk, contract, source.name)
    duplicates, first_sightings = _duplicate_rows(connection, source, verdict.typed, seen)
    accepted = _without_rows(verdict.accepted, duplicates)
    orphans = _orphan_rows(connection, accepted, FOREIGN_KEYS[source.name])

    rejections = [verdict.rejections]
    if duplicates:
        key_names = ",".join([*source.key_columns, "updated_at"])
        rows = sorted(duplicates)
        rejections.append(
            pd.DataFrame(
                {
                    "row": rows,
                    "rule": DUPLICATE_KEY,
                    "column_name": key_names,
                    "bad_value": _record_keys(source, chunk, pd.Series(rows)),
                }
            )
        )
    for fk, rows in orphans.items():
        rejections.append(
            pd.DataFrame(
                {
                    "row": rows,
                    "rule": fk.rule,
                    "column_name": fk.column,
                    "bad_value": [render_value(chunk.at[r, fk.column]) for r in rows],
                }
            )
        )
    found = [r for r in rejections if not r.empty]
    rejected = pd.concat(found, ignore_index=True) if found else empty_rejections()
    bad_rows = set(rejected["row"].astype(int))
    good = _without_rows(accepted, bad_rows)

    loaded_at = utc_now()
    connection.begin()
    try:
        if not first_sightings.empty:
            connection.register("ingest_sightings", first_sightings.drop(columns=[ROW]))
            try:
                connection.execute(f"insert into {seen} select * from ingest_sightings")
            finally:
                connection.unregister("ingest_sightings")
        rows_new = _insert_raw(connection, source, good, batch_id, loaded_at) if len(good) else 0
        if bad_rows:
            _insert_quarantine(
                connection, _quarantine_frame(source, chunk, rejected, batch_id, loaded_at)
            )
        outcome = _ChunkOutcome(
            rows_loaded=len(good),
            rows_new=rows_new,
            rows_quarantined=len(bad_rows),
            latest_updated_at=verdict.typed["updated_at"].max(),
        )
        record_progress(connection, batch_id, _add(committed, outcome, len(chunk)))
        connection.commit()
    except BaseException:
        connection.rollback()
        raise
    return outcome


def _add(counts: BatchCounts, outcome: _ChunkOutcome, rows_read: int) -> BatchCounts:
    return replace(
        counts,
        rows_read=counts.rows_read + rows_read,
        rows_loaded=counts.rows_loaded + outcome.rows_loaded,
        rows_new=counts.rows_new + outcome.rows_new,
        rows_quarantined=counts.rows_quarantined + outcome.rows_quarantined,
    )


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
    try:
        with open_source(table_mapping, url) as source_connection:
            for chunk in read_chunks(
                source_connection, table_mapping, url, since, settings.ingest_chunk_size
            ):
                outcome = load_chunk(connection, source, chunk, batch_id, seen, committed)
                committed = _add(committed, outcome, len(chunk))
                chunks += 1
                if outcome.latest_updated_at is not None and not pd.isna(outcome.latest_updated_at):
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
