"""Open the published store read-only, always at its current version.

Publish writes the store; quality's gates, the report and BI tools read it, so the reader
sits beside warehouse.py, in neither layer (quality never imports publish).

`duckdb.connect(path, read_only=True)` is what BI tools do and it is safe: a connection
opened before a publish keeps reading the version it opened (the replaced file's inode
lives on until it closes). One catch inside a single Python process: while any
connection to `path` is open, `duckdb.connect(path)` returns that same, older database
instead of opening the file again. `open_store_read_only` attaches the file to a fresh
in-memory database, so it always sees the file that is served now.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

STORE_CATALOG = "reporting_store"


def open_store_read_only(path: Path) -> duckdb.DuckDBPyConnection:
    """A connection whose default catalog is the store at `path`, opened read-only."""
    if not Path(path).exists():
        raise FileNotFoundError(
            f"reporting store {path} does not exist: publish first (run the pipeline for a quarter)"
        )
    connection = duckdb.connect(":memory:")
    try:
        quoted = str(path).replace("'", "''")
        connection.execute(f"attach '{quoted}' as {STORE_CATALOG} (read_only)")
        connection.execute(f"use {STORE_CATALOG}")
    except BaseException:
        connection.close()
        raise
    return connection


def store_tables(connection: duckdb.DuckDBPyConnection) -> list[str]:
    """The `rpt_*` tables of the store `connection` points at (its default catalog)."""
    rows = connection.execute(
        "select table_name from information_schema.tables "
        "where table_catalog = current_database() and table_schema = 'main' "
        "and table_name like 'rpt\\_%' escape '\\' order by table_name"
    ).fetchall()
    return [name for (name,) in rows]


def store_columns(connection: duckdb.DuckDBPyConnection, table: str) -> list[tuple[str, str]]:
    """(column, DuckDB type) of a store table, in table order."""
    return connection.execute(
        "select column_name, data_type from information_schema.columns "
        "where table_catalog = current_database() and table_schema = 'main' and table_name = ? "
        "order by ordinal_position",
        [table],
    ).fetchall()
