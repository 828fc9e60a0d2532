"""The warehouse tables ingestion writes: `raw.<table>`, the quarantine and the load log.

- `raw.<table>`: the columns of `raw_layout.raw_columns()`, one row per (key, updated_at).
- `raw.quarantine`: one row per rejected source row and broken rule.
- `raw.load_batches`: one row per ingestion batch, with its counts and status
  (running -> completed | failed; a batch left running by a killed process becomes
  abandoned when the next batch of that table starts).
- `raw.load_watermarks`: per table, the `updated_at` up to which the source has been read.
"""

from __future__ import annotations

import duckdb

from orchestration.ingest.raw_layout import QUARANTINE_TABLE, RAW_SCHEMA, raw_columns
from orchestration.ingest.source_tables import SOURCE_TABLES_BY_NAME, SourceTable
from orchestration.warehouse import relation_exists

LOAD_BATCHES_TABLE = "load_batches"
LOAD_WATERMARKS_TABLE = "load_watermarks"

QUARANTINE_COLUMNS = {
    "source_table": "VARCHAR",
    "record_key": "VARCHAR",
    "rule": "VARCHAR",
    "column_name": "VARCHAR",
    "bad_value": "VARCHAR",
    "batch_id": "VARCHAR",
    "loaded_at": "TIMESTAMP",
}
LOAD_BATCHES_COLUMNS = {
    "batch_id": "VARCHAR",
    "source_table": "VARCHAR",
    "started_at": "TIMESTAMP",
    "finished_at": "TIMESTAMP",
    "status": "VARCHAR",
    "since": "TIMESTAMP",  # read source rows with updated_at >= since; null = everything
    "watermark": "TIMESTAMP",  # set when the batch completes
    "rows_read": "BIGINT",
    "rows_loaded": "BIGINT",
    "rows_new": "BIGINT",
    "rows_quarantined": "BIGINT",
    "error": "VARCHAR",  # why a failed batch failed
}
LOAD_WATERMARKS_COLUMNS = {
    "source_table": "VARCHAR",
    "watermark": "TIMESTAMP",
    "batch_id": "VARCHAR",
}


def quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def qualified(table: str) -> str:
    """`raw."<table>"`, the warehouse name of a raw-schema table."""
    return f"{RAW_SCHEMA}.{quote(table)}"


def _create(connection: duckdb.DuckDBPyConnection, table: str, columns: dict[str, str]) -> None:
    body = ", ".join(f"{quote(name)} {kind}" for name, kind in columns.items())
    connection.execute(f"create table if not exists {qualified(table)} ({body})")


def _widen_number_ids(connection: duckdb.DuckDBPyConnection) -> None:
    """Make text the raw columns a warehouse still holds as BIGINT that are text ids now.

    Order, order line, lead and assignment ids were numbers in warehouses created before
    they became text ids. raw keeps versions the sources may no longer have, so the column
    is converted in place (1042 becomes '1042', as loading that id as text gives), for
    every raw table at once: a child's foreign key check compares with its parent's ids.
    """
    numbers = connection.execute(
        "select table_name, column_name from information_schema.columns "
        "where table_catalog = current_database() and table_schema = ? and data_type = 'BIGINT'",
        [RAW_SCHEMA],
    ).fetchall()
    for table, column in numbers:
        source = SOURCE_TABLES_BY_NAME.get(table)
        if source is not None and raw_columns(source).get(column) == "VARCHAR":
            connection.execute(f"alter table {qualified(table)} alter {quote(column)} type VARCHAR")


def ensure_ingest_tables(connection: duckdb.DuckDBPyConnection, source: SourceTable) -> None:
    """Create the raw schema, `raw.<table>` of `source` and the shared tables if missing;
    widen the id columns an older warehouse holds as numbers (`_widen_number_ids`)."""
    connection.execute(f"create schema if not exists {RAW_SCHEMA}")
    _create(connection, source.name, raw_columns(source))
    _widen_number_ids(connection)
    _create(connection, QUARANTINE_TABLE, QUARANTINE_COLUMNS)
    _create(connection, LOAD_BATCHES_TABLE, LOAD_BATCHES_COLUMNS)
    _create(connection, LOAD_WATERMARKS_TABLE, LOAD_WATERMARKS_COLUMNS)


def raw_table_exists(connection: duckdb.DuckDBPyConnection, table: str) -> bool:
    return relation_exists(connection, RAW_SCHEMA, table)
