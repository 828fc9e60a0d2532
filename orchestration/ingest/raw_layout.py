"""How a source table lands in the warehouse: `raw.<table>`, typed, plus load columns.

raw tables are append-only version logs: one row per (business key, updated_at) ever
seen, plus `_batch_id` and `_loaded_at`. Staging keeps the latest version of each key.
"""

from __future__ import annotations

import sqlalchemy as sa

from orchestration.ingest.source_tables import SourceTable

RAW_SCHEMA = "raw"
QUARANTINE_TABLE = "quarantine"
LOAD_COLUMNS = {"_batch_id": "VARCHAR", "_loaded_at": "TIMESTAMP"}


def duckdb_type(column: sa.Column) -> str:
    kind = column.type
    if isinstance(kind, sa.Numeric) and not isinstance(kind, sa.Float):
        return f"DECIMAL({kind.precision or 18},{kind.scale or 2})"
    if isinstance(kind, sa.Integer):
        return "BIGINT"
    if isinstance(kind, sa.DateTime):
        return "TIMESTAMP"
    if isinstance(kind, sa.Date):
        return "DATE"
    if isinstance(kind, sa.String):
        return "VARCHAR"
    raise TypeError(f"no DuckDB type for column {column.name} of type {kind!r}")


def raw_columns(source: SourceTable) -> dict[str, str]:
    """Column name -> DuckDB type of `raw.<table>`, source columns first."""
    columns = {c.name: duckdb_type(c) for c in source.table.columns}
    columns.update(LOAD_COLUMNS)
    return columns
