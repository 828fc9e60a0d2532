"""The personal-data scan's needles, kept beside the warehouse between publishes.

Working out the tokens of every customer name, email and phone was most of a publish at a
million customers (3.3M values, ~4 s), yet a night adds a few thousand. The cache file
`<warehouse>.needles.duckdb` keeps each distinct personal value of raw.customers with its
needle and tokens, and how far raw.customers was read: its latest `_loaded_at`, and the
number and a digest of the rows up to it. A scan appends the values of rows loaded since
(raw is append-only); any other change (rows removed, changed or back-dated, other
personal columns, another cache layout) rebuilds the file from raw.customers.

The file is as personal as raw.customers: it sits beside the warehouse, readable by its
owner only, and deleting it costs one rebuild. It is brought up to date under the
warehouse lock and stays attached (DuckDB's file lock keeps other processes out) until the
scan ends. When it cannot be used (another process holds it, it cannot be written, the
scan's connection is read-only, raw.customers has no `_loaded_at`), the scan works its
needles out without it.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import duckdb

log = logging.getLogger(__name__)

CACHE_LAYOUT = 2  # raise when the cached columns or their meaning change
_CACHE = "_pd_needle_cache"
# SQL of raw values (a query of one `value` column) -> SQL of their distinct
# (value, needle, tokens, token_count, non_ascii) rows
NeedleRows = Callable[[str], str]


@dataclass(frozen=True)
class NeedleCacheUse:
    """What a scan did with the cache: rebuilt it, or appended `values_added` values."""

    path: Path
    rebuilt: bool
    values_added: int


def needle_cache_path(warehouse_path: Path) -> Path:
    return warehouse_path.with_name(f"{warehouse_path.stem}.needles.duckdb")


def _quoted(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"


def _one(connection: duckdb.DuckDBPyConnection, sql: str, parameters: list | None = None):
    return connection.execute(sql, parameters or []).fetchone()


def _read_through(
    connection: duckdb.DuckDBPyConnection, customers: str, columns: list[str], mark: object
) -> tuple[int, int]:
    """(rows, digest of their personal values and load times) of raw.customers loaded up to
    `mark`: a row removed, changed or added with an earlier load time changes one of them."""
    values = ", ".join([*columns, "_loaded_at"])
    rows, digest = _one(
        connection,
        f"select count(*), coalesce(sum(hash({values})::hugeint), 0)::varchar from {customers} "
        "where _loaded_at <= ?",
        [mark],
    )
    return int(rows), int(digest)


def _still_valid(
    connection: duckdb.DuckDBPyConnection, customers: str, columns: list[str]
) -> tuple[bool, object]:
    """(the cached values still hold for raw.customers up to the cache's mark, that mark)."""
    state = _one(
        connection,
        f"select layout, columns, loaded_through, rows_through, digest from {_CACHE}.read_state",
    )
    if state is None:
        return False, None
    layout, cached_columns, loaded_through, rows_through, digest = state
    if layout != CACHE_LAYOUT or cached_columns != ",".join(columns):
        return False, None
    if loaded_through is None:
        return rows_through == 0, None
    read = _read_through(connection, customers, columns, loaded_through)
    return read == (rows_through, int(digest)), loaded_through


def refresh_needle_cache(
    connection: duckdb.DuckDBPyConnection,
    cache_path: Path,
    customers: str,
    columns: list[str],
    needle_rows: NeedleRows,
) -> NeedleCacheUse | None:
    """Bring the cache at `cache_path` up to date with `customers` (raw.customers, attached
    on `connection`) and leave it attached for `cached_needles` (detach with `release`).
    Its `needles` table holds `needle_rows` of the personal `columns`' values. None: the
    cache is not usable (see the module docstring); nothing is left attached."""
    described = connection.execute(f"select * from {customers} limit 0").description
    if "_loaded_at" not in {name for name, *_ in described}:
        return None
    (unstamped,) = _one(connection, f"select count(*) from {customers} where _loaded_at is null")
    if unstamped:
        return None  # rows the mark cannot place: no append could be trusted
    created = not cache_path.exists()
    try:
        connection.execute(f"attach {_quoted(cache_path)} as {_CACHE}")
    except duckdb.Error as exc:
        if "not a valid duckdb database" in str(exc).lower():
            cache_path.unlink(missing_ok=True)  # damaged: rebuilt next time
        log.warning("personal-data needle cache %s not used: %s", cache_path, exc)
        return None
    try:
        if created:
            os.chmod(cache_path, 0o600)
        use = _refresh(connection, cache_path, customers, columns, needle_rows)
    except (duckdb.Error, OSError) as exc:
        release(connection)
        log.warning("personal-data needle cache %s not used: %s", cache_path, exc)
        return None
    return use


def _create_tables(connection: duckdb.DuckDBPyConnection) -> None:
    """The cache's tables, made anew when the file holds another layout."""
    connection.execute(
        f"create table if not exists {_CACHE}.read_state (layout integer, columns varchar, "
        "loaded_through timestamp, rows_through bigint, digest varchar)"
    )
    (layout,) = _one(connection, f"select max(layout) from {_CACHE}.read_state")
    if layout is not None and layout != CACHE_LAYOUT:
        connection.execute(f"drop table if exists {_CACHE}.needles")
        connection.execute(f"drop table {_CACHE}.read_state")
        _create_tables(connection)
        return
    connection.execute(
        f"create table if not exists {_CACHE}.needles (value varchar, needle varchar, "
        "tokens varchar, token_count bigint, non_ascii boolean)"
    )


def _refresh(
    connection: duckdb.DuckDBPyConnection,
    cache_path: Path,
    customers: str,
    columns: list[str],
    needle_rows: NeedleRows,
) -> NeedleCacheUse:
    connection.execute("begin")
    try:
        _create_tables(connection)
        valid, mark = _still_valid(connection, customers, columns)
        since = mark if valid else None
        if not valid:
            connection.execute(f"delete from {_CACHE}.needles")
        (latest,) = _one(connection, f"select max(_loaded_at) from {customers}")
        rows, digest = _read_through(connection, customers, columns, latest)
        newer = "" if since is None else " and _loaded_at > ?"
        values = " union all ".join(
            f"select cast({column} as varchar) as value from {customers} "
            f"where {column} is not null{newer}"
            for column in columns
        )
        parameters = [] if since is None else [since] * len(columns)
        added = connection.execute(
            f"insert into {_CACHE}.needles select * from ({needle_rows(values)}) as new "
            f"where not exists "
            f"(select 1 from {_CACHE}.needles as kept where kept.value = new.value)",
            parameters,
        ).fetchone()[0]
        connection.execute(f"delete from {_CACHE}.read_state")
        connection.execute(
            f"insert into {_CACHE}.read_state values (?, ?, ?, ?, ?)",
            [CACHE_LAYOUT, ",".join(columns), latest, rows, str(digest)],
        )
        connection.execute("commit")
    except BaseException:
        connection.execute("rollback")
        raise
    return NeedleCacheUse(path=cache_path, rebuilt=not valid, values_added=int(added))


def cached_needles(rep_names: str) -> str:
    """SQL of the cached needles, leaving out the values `rep_names` (a query) lists."""
    return (
        f"select needle, tokens, token_count, non_ascii from {_CACHE}.needles "
        f"where value not in ({rep_names})"
    )


def release(connection: duckdb.DuckDBPyConnection) -> None:
    connection.execute(f"detach database if exists {_CACHE}")
