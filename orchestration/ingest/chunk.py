"""One chunk of source rows, from DB-API tuples to `raw.<table>` and `raw.quarantine`.

In the warehouse, in one transaction: land the chunk as Arrow, type and screen it with the
raw contract's rules as SQL (`screen.py`); the few rows the screen does not pass go to the
pandera contract (`validate.validate_chunk`), which accepts them or names the rules they
break. Then, in SQL over the accepted rows: `duplicate_key` (a (key, updated_at) met
earlier in the batch), `unknown_<column>` (a foreign key without a parent in raw), and the
append of the rows raw does not hold yet. Rows stamped after everything raw held when the
batch started cannot be there: they skip that anti-join.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

import duckdb
import pandas as pd

from models.raw import RAW_CONTRACTS
from models.registry.sources import SOURCE_SYSTEMS
from orchestration.ingest.batches import BatchCounts, record_progress, utc_now
from orchestration.ingest.foreign_keys import FOREIGN_KEYS, ForeignKey
from orchestration.ingest.raw_layout import QUARANTINE_TABLE, raw_columns
from orchestration.ingest.screen import CLEAN, ROW, LandedChunk, screen_sql
from orchestration.ingest.source_tables import SourceTable
from orchestration.ingest.validate import (
    ChunkVerdict,
    declared_text_lengths,
    empty_rejections,
    render_in_key,
    render_value,
    validate_chunk,
)
from orchestration.ingest.warehouse_tables import QUARANTINE_COLUMNS, qualified, quote

DUPLICATE_KEY = "duplicate_key"
REGISTRY_TABLES = {table.name: table for tables in SOURCE_SYSTEMS.values() for table in tables}
# Temporary tables of the chunk being loaded (one connection loads one chunk at a time).
TYPED, ACCEPTED, VERSIONS, DUPLICATES = (
    "ingest_typed",
    "ingest_accepted",
    "ingest_versions",
    "ingest_duplicates",
)


@dataclass(frozen=True)
class ChunkOutcome:
    rows_loaded: int
    rows_new: int
    rows_quarantined: int
    latest_updated_at: pd.Timestamp | None


def _version_names(source: SourceTable) -> list[str]:
    return [*source.key_columns, "updated_at"]


def _version_match(left: str, right: str, source: SourceTable) -> str:
    return " and ".join(f"{left}.{quote(n)} = {right}.{quote(n)}" for n in _version_names(source))


def _casts(source: SourceTable, names: list[str] | tuple[str, ...]) -> str:
    columns = raw_columns(source)
    return ", ".join(f"cast({quote(n)} as {columns[n]}) as {quote(n)}" for n in names)


def _run(connection: duckdb.DuckDBPyConnection, sql: str, parameters: list | None = None) -> list:
    """Execute and read the whole result: DuckDB refuses new work while one is unread."""
    return connection.execute(sql, parameters).fetchall()


def _query_rows(connection: duckdb.DuckDBPyConnection, sql: str) -> set[int]:
    return {row for (row,) in _run(connection, sql)}


def _register(connection: duckdb.DuckDBPyConnection, name: str, frame: object, sql: str) -> None:
    connection.register(name, frame)
    try:
        _run(connection, sql)
    finally:
        connection.unregister(name)


# ---------------------------------------------------------------- validation
def _screen(
    connection: duckdb.DuckDBPyConnection, source: SourceTable, landed: LandedChunk
) -> set[int]:
    """Screen the landed chunk into the typed temp table; the rows pandera must judge."""
    table = REGISTRY_TABLES[source.name]
    sql = screen_sql(table, landed, "ingest_landed", declared_text_lengths(source.name))
    _register(
        connection, "ingest_landed", landed.arrow, f"create or replace temp table {TYPED} as {sql}"
    )
    judged = _query_rows(connection, f"select {ROW} from {TYPED} where not {CLEAN}")
    if landed.unscreened:
        judged |= landed.unscreened
        listed = ", ".join(map(str, sorted(landed.unscreened)))
        _run(connection, f"update {TYPED} set {CLEAN} = false where {ROW} in ({listed})")
    return judged


def raw_frame(source: SourceTable, rows: list[tuple], positions: set[int]) -> pd.DataFrame:
    """The rows at `positions` as raw values, indexed by their position in the chunk."""
    index = sorted(positions)
    return pd.DataFrame(
        [rows[i] for i in index], columns=list(source.column_names), index=index, dtype=object
    )


def validate_rows(
    connection: duckdb.DuckDBPyConnection,
    source: SourceTable,
    rows: list[tuple],
    landed: LandedChunk,
) -> tuple[ChunkVerdict | None, pd.DataFrame]:
    """Screen the chunk in SQL and judge the rest with pandera. Returns pandera's verdict on
    those rows (None when the screen passed every row) and their raw values."""
    judged = _screen(connection, source, landed)
    frame = raw_frame(source, rows, judged)
    if not judged:
        return None, frame
    return validate_chunk(frame, RAW_CONTRACTS[source.name], source.name), frame


def _collect_accepted(
    connection: duckdb.DuckDBPyConnection, source: SourceTable, verdict: ChunkVerdict | None
) -> None:
    """The rows that passed the contract, typed as raw holds them, in the accepted table."""
    names = list(source.column_names)
    _run(
        connection,
        f"create or replace temp table {ACCEPTED} as "
        f"select {ROW}, {_casts(source, names)} from {TYPED} where {CLEAN}",
    )
    if verdict is not None and not verdict.accepted.empty:
        _add_judged(connection, source, verdict.accepted, names, f"insert into {ACCEPTED}")


def _add_judged(
    connection: duckdb.DuckDBPyConnection,
    source: SourceTable,
    frame: pd.DataFrame,
    names: list[str],
    into: str,
) -> None:
    """`into` (an insert or create statement's head) the `names` of pandera's rows, cast to
    their raw types, with their chunk positions (the frame's index)."""
    judged = frame[names].copy()
    judged[ROW] = judged.index
    select = f"select {ROW}, {_casts(source, names)} from ingest_judged"
    _register(connection, "ingest_judged", judged, f"{into} {select}")


# ---------------------------------------------------------------- batch rules
def _duplicates(
    connection: duckdb.DuckDBPyConnection,
    source: SourceTable,
    verdict: ChunkVerdict | None,
    seen: str,
) -> set[int]:
    """Rows repeating a (key, updated_at) met earlier in the batch (this chunk or one before;
    a row counts as met whatever its other rules say); records the chunk's first sightings."""
    names = _version_names(source)
    versions = f"select {ROW}, {_casts(source, names)} from {TYPED} where {CLEAN}"
    if verdict is not None:
        into = "create or replace temp table ingest_judged_versions as"
        _add_judged(connection, source, verdict.typed, names, into)
        versions += " union all select * from ingest_judged_versions"
    identified = " and ".join(f"{quote(n)} is not null" for n in names)
    _run(
        connection,
        f"create or replace temp table {VERSIONS} as select * from ({versions}) where {identified}",
    )
    columns = ", ".join(quote(n) for n in names)
    # Joins, not `exists`: DuckDB then hashes the chunk's few repeats, and the chunk's versions
    # rather than the batch's.
    _run(
        connection,
        f"create or replace temp table {DUPLICATES} as "
        f"select v.{ROW} from {VERSIONS} as v join (select {columns}, min({ROW}) as _first "
        f"from {VERSIONS} group by all having count(*) > 1) as r "
        f"on {_version_match('r', 'v', source)} and v.{ROW} > r._first "
        f"union select v.{ROW} from {VERSIONS} as v join {seen} as s "
        f"on {_version_match('s', 'v', source)}",
    )
    _run(
        connection,
        f"insert into {seen} select {columns} from {VERSIONS} "
        f"where {ROW} not in (select {ROW} from {DUPLICATES})",
    )
    return _query_rows(connection, f"select {ROW} from {DUPLICATES}")


def _orphans(
    connection: duckdb.DuckDBPyConnection, foreign_keys: tuple[ForeignKey, ...]
) -> dict[ForeignKey, set[int]]:
    """Accepted rows whose (non-null) foreign key has no parent in `raw.<parent>`."""
    orphans = {}
    for fk in foreign_keys:
        child, parent = quote(fk.column), quote(fk.parent_column)
        # A parent key equal to a child's lies within the chunk's key range: the range
        # lets DuckDB skip most of a large parent before matching.
        in_range = (
            f"p.{parent} between (select min({child}) from {ACCEPTED}) "
            f"and (select max({child}) from {ACCEPTED})"
        )
        rows = _query_rows(
            connection,
            f"select c.{ROW} from {ACCEPTED} as c where c.{child} is not null "
            f"and not exists (select 1 from {qualified(fk.parent_table)} as p "
            f"where {in_range} and p.{parent} = c.{child})",
        )
        if rows:
            orphans[fk] = rows
    return orphans


# ---------------------------------------------------------------- quarantine
def _record_key(source: SourceTable, chunk: pd.DataFrame, row: int) -> str:
    """`order_line_id=17, updated_at=2025-03-01 09:00:00`: the row version, as read.

    Rows without a full key also carry a fingerprint of all their values, so two
    different keyless rows stay two quarantine records while a re-read of one does not.
    """
    names = _version_names(source)
    key = ", ".join(f"{n}={render_in_key(chunk.at[row, n])}" for n in names)
    if any(render_value(chunk.at[row, n]) is None for n in source.key_columns):
        values = "\x1f".join(render_in_key(v) for v in chunk.loc[row])
        key += f", row={hashlib.sha1(values.encode()).hexdigest()[:10]}"
    return key


def _rejections(
    source: SourceTable,
    frame: pd.DataFrame,
    verdict: ChunkVerdict | None,
    duplicates: set[int],
    orphans: dict[ForeignKey, set[int]],
) -> pd.DataFrame:
    """Every rejection of the chunk: pandera's, duplicates and orphans (rows as positions)."""
    found = [verdict.rejections] if verdict is not None else []
    if duplicates:
        rows = sorted(duplicates)
        found.append(
            pd.DataFrame(
                {
                    "row": rows,
                    "rule": DUPLICATE_KEY,
                    "column_name": ",".join(_version_names(source)),
                    "bad_value": [_record_key(source, frame, r) for r in rows],
                }
            )
        )
    for fk, rows in orphans.items():
        ordered = sorted(rows)
        found.append(
            pd.DataFrame(
                {
                    "row": ordered,
                    "rule": fk.rule,
                    "column_name": fk.column,
                    "bad_value": [render_value(frame.at[r, fk.column]) for r in ordered],
                }
            )
        )
    found = [r for r in found if not r.empty]
    return pd.concat(found, ignore_index=True) if found else empty_rejections()


def _insert_quarantine(
    connection: duckdb.DuckDBPyConnection,
    source: SourceTable,
    frame: pd.DataFrame,
    rejections: pd.DataFrame,
    batch_id: str,
    loaded_at: datetime,
) -> None:
    """Add quarantine rows not already recorded for the same record, rule and value."""
    rows = rejections.drop_duplicates(subset=["row", "rule", "column_name"]).copy()
    rows["source_table"] = source.name
    rows["record_key"] = [_record_key(source, frame, int(r)) for r in rows["row"]]
    rows["batch_id"] = batch_id
    rows["loaded_at"] = loaded_at
    casts = ", ".join(
        f"cast({quote(n)} as {kind}) as {quote(n)}" for n, kind in QUARANTINE_COLUMNS.items()
    )
    same = " and ".join(
        f"e.{quote(n)} is not distinct from q.{quote(n)}"
        for n in ("source_table", "record_key", "rule", "column_name", "bad_value")
    )
    _register(
        connection,
        "ingest_quarantine",
        rows[list(QUARANTINE_COLUMNS)],
        f"insert into {qualified(QUARANTINE_TABLE)} "
        f"with q as (select distinct {casts} from ingest_quarantine) "
        f"select q.* from q where not exists "
        f"(select 1 from {qualified(QUARANTINE_TABLE)} as e where {same})",
    )


# ---------------------------------------------------------------- raw
def _insert_raw(
    connection: duckdb.DuckDBPyConnection,
    source: SourceTable,
    batch_id: str,
    loaded_at: datetime,
    fresh_after: datetime | None,
) -> int:
    """Append the accepted rows whose (key, updated_at) raw does not hold; how many were new.

    Rows stamped after `fresh_after` (the latest updated_at raw held when the batch started;
    None: raw was empty) cannot be there yet and skip the anti-join.
    """
    target = qualified(source.name)
    names = ", ".join(quote(n) for n in source.column_names)
    select = f"select {names}, ?, ? from {ACCEPTED} as c"
    parameters: list[object] = [batch_id, loaded_at]
    if fresh_after is not None:
        select += (
            f" where c.updated_at > ? or not exists (select 1 from {target} as r "
            f"where r.updated_at >= (select min(updated_at) from {ACCEPTED}) "
            f"and r.updated_at <= ? and {_version_match('r', 'c', source)})"
        )
        parameters += [fresh_after, fresh_after]
    inserted = connection.execute(
        f"insert into {target} ({names}, _batch_id, _loaded_at) {select}", parameters
    ).fetchall()
    return int(inserted[0][0]) if inserted else 0


def _latest_updated_at(
    connection: duckdb.DuckDBPyConnection, verdict: ChunkVerdict | None
) -> pd.Timestamp | None:
    """The latest updated_at read in the chunk, from every row where it parsed."""
    [(screened,)] = connection.execute(
        f"select max(updated_at) from {TYPED} where {CLEAN}"
    ).fetchall()
    stamps = [pd.Timestamp(screened)] if screened is not None else []
    if verdict is not None:
        judged = verdict.typed["updated_at"].max()
        if not pd.isna(judged):
            stamps.append(pd.Timestamp(judged))
    return max(stamps) if stamps else None


def load_chunk(
    connection: duckdb.DuckDBPyConnection,
    source: SourceTable,
    rows: list[tuple],
    landed: LandedChunk,
    batch_id: str,
    seen: str,
    counts_before: BatchCounts,
    fresh_after: datetime | None,
) -> ChunkOutcome:
    """Validate one chunk (`landed`: its `rows` as Arrow) and write it in one transaction,
    with the batch's running counts."""
    connection.begin()
    try:
        verdict, frame = validate_rows(connection, source, rows, landed)
        _collect_accepted(connection, source, verdict)
        duplicates = _duplicates(connection, source, verdict, seen)
        if duplicates:
            listed = ", ".join(map(str, sorted(duplicates)))
            _run(connection, f"delete from {ACCEPTED} where {ROW} in ({listed})")
        orphans = _orphans(connection, FOREIGN_KEYS[source.name])
        if orphans:
            listed = ", ".join(map(str, sorted(set().union(*orphans.values()))))
            _run(connection, f"delete from {ACCEPTED} where {ROW} in ({listed})")
        loaded_at = utc_now()
        rows_new = _insert_raw(connection, source, batch_id, loaded_at, fresh_after)
        [(rows_loaded,)] = connection.execute(f"select count(*) from {ACCEPTED}").fetchall()
        rejected = set(duplicates).union(*orphans.values())
        if verdict is not None:
            rejected |= set(verdict.rejections["row"].astype(int))
        if rejected:
            needed = raw_frame(source, rows, rejected - set(frame.index))
            if frame.empty or needed.empty:
                frame = needed if frame.empty else frame
            else:
                frame = pd.concat([frame, needed])
            rejections = _rejections(source, frame, verdict, duplicates, orphans)
            _insert_quarantine(connection, source, frame, rejections, batch_id, loaded_at)
        outcome = ChunkOutcome(
            rows_loaded=int(rows_loaded),
            rows_new=rows_new,
            rows_quarantined=len(rejected),
            latest_updated_at=_latest_updated_at(connection, verdict),
        )
        record_progress(connection, batch_id, add_outcome(counts_before, outcome, len(rows)))
        connection.commit()
    except BaseException:
        connection.rollback()
        raise
    return outcome


def add_outcome(counts: BatchCounts, outcome: ChunkOutcome, rows_read: int) -> BatchCounts:
    return BatchCounts(
        rows_read=counts.rows_read + rows_read,
        rows_loaded=counts.rows_loaded + outcome.rows_loaded,
        rows_new=counts.rows_new + outcome.rows_new,
        rows_quarantined=counts.rows_quarantined + outcome.rows_quarantined,
    )
