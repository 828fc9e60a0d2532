"""The DuckDB warehouse: connections and the one-writer lock.

DuckDB allows one read-write process per file. Every writer (ingest, dbt, publish) holds
`warehouse_lock` while it writes, so a second run waits a bounded time and then fails
with a message naming the holder instead of colliding on the file.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from orchestration.locks import exclusive_file_lock
from orchestration.settings import Settings


class WarehouseBusyError(RuntimeError):
    """Another process is writing the warehouse."""


_held = threading.local()


def _lock_path(settings: Settings) -> Path:
    return settings.warehouse_path.with_name(settings.warehouse_path.name + ".lock")


@contextmanager
def warehouse_lock(settings: Settings, timeout_seconds: float = 30.0) -> Iterator[None]:
    """Hold the exclusive writer lock; re-entrant within a thread."""
    depth = getattr(_held, "depth", 0)
    if depth:
        _held.depth = depth + 1
        try:
            yield
        finally:
            _held.depth -= 1
        return

    def busy(holder: str) -> WarehouseBusyError:
        return WarehouseBusyError(
            f"warehouse {settings.warehouse_path} is being written by another run "
            f"({holder}); waited {timeout_seconds:.0f}s. Try again when it finishes."
        )

    with exclusive_file_lock(_lock_path(settings), timeout_seconds, busy, poll_seconds=0.2):
        _held.depth = 1
        try:
            yield
        finally:
            _held.depth = 0


def open_read_only(path: Path, memory_limit: str | None = None) -> duckdb.DuckDBPyConnection:
    """A read-only connection held to `memory_limit` (the warehouse's): DuckDB's default is
    80% of the machine, and a reader beside the pipeline (a contract check grouping 30M
    staging rows by key) took 3 GB without it."""
    connection = duckdb.connect(str(path), read_only=True)
    if memory_limit:
        connection.execute("set memory_limit = ?", [memory_limit])
    return connection


@contextmanager
def connect_warehouse(
    settings: Settings, read_only: bool = False
) -> Iterator[duckdb.DuckDBPyConnection]:
    """A connection to the warehouse, held to its memory limit; writers also take the
    writer lock."""
    settings.warehouse_path.parent.mkdir(parents=True, exist_ok=True)
    if read_only:
        connection = open_read_only(settings.warehouse_path, settings.warehouse_memory_limit)
        try:
            yield connection
        finally:
            connection.close()
        return
    with warehouse_lock(settings):
        connection = duckdb.connect(str(settings.warehouse_path))
        try:
            connection.execute("set memory_limit = ?", [settings.warehouse_memory_limit])
            yield connection
        finally:
            connection.close()


def relation_exists(connection: duckdb.DuckDBPyConnection, schema: str, name: str) -> bool:
    """Is `schema.name` a table or view of the connection's database?"""
    (found,) = connection.execute(
        "select count(*) from information_schema.tables where table_schema = ? and table_name = ?",
        [schema, name],
    ).fetchone()
    return bool(found)
