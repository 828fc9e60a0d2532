"""The raw tables where Spark reads them: one Parquet folder per `raw.*` table.

Ingestion lands the source systems in the DuckDB warehouse's `raw` schema (with its
quarantine and reconciliation). For a build on Spark (`SALES_TARGETS_ENGINE=spark`) each
raw table is written as Parquet under `<spark dir>/raw/<table>/`; the dbt project's
`register_raw_tables` hook (macros/engine/raw_tables.sql) declares those folders as the
tables of Spark's `raw` database at the start of every Spark run, so the dbt sources
resolve there as they do on DuckDB.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterable
from pathlib import Path

import duckdb

RAW_SCHEMA = "raw"
DATA_FILE = "part-0.parquet"


def raw_dir_of(spark_dir: Path) -> Path:
    """Where the raw Parquet folders of a Spark data dir are (the hook reads the same)."""
    return spark_dir / RAW_SCHEMA


def raw_tables(connection: duckdb.DuckDBPyConnection) -> list[str]:
    """The tables of the warehouse's raw schema, by name."""
    rows = connection.execute(
        "select table_name from information_schema.tables"
        " where table_schema = ? and table_type = 'BASE TABLE' order by table_name",
        [RAW_SCHEMA],
    ).fetchall()
    return [name for (name,) in rows]


def _land(connection: duckdb.DuckDBPyConnection, raw_dir: Path, table: str) -> int:
    folder = raw_dir / table
    staged = raw_dir / f".{table}.{uuid.uuid4().hex}.tmp"
    staged.mkdir(parents=True)
    target = str(staged / DATA_FILE).replace("'", "''")
    connection.execute(f"copy {RAW_SCHEMA}.\"{table}\" to '{target}' (format parquet)")
    (rows,) = connection.execute(f'select count(*) from {RAW_SCHEMA}."{table}"').fetchone()
    retired = raw_dir / f".{table}.{uuid.uuid4().hex}.old"
    if folder.exists():
        os.replace(folder, retired)
    os.replace(staged, folder)
    shutil.rmtree(retired, ignore_errors=True)
    return rows


def land_raw_tables(
    warehouse_path: Path, spark_dir: Path, tables: Iterable[str] | None = None
) -> dict[str, int]:
    """Write `raw.*` tables of the DuckDB warehouse (all of them, or `tables`) as Parquet
    for Spark.

    Each table's folder is replaced whole (written beside it, then swapped in), so a
    reader never sees half a table. Returns the rows written per table.
    """
    raw_dir = raw_dir_of(spark_dir)
    with duckdb.connect(str(warehouse_path), read_only=True) as connection:
        present = raw_tables(connection)
        chosen = present if tables is None else [table for table in tables if table in present]
        return {table: _land(connection, raw_dir, table) for table in chosen}


def unlanded_raw_tables(warehouse_path: Path, spark_dir: Path, tables: Iterable[str]) -> list[str]:
    """Those of `tables` the warehouse holds with no Parquet folder yet (a warehouse first
    loaded while the engine was duckdb, or a folder removed by hand)."""
    if not Path(warehouse_path).exists():
        return []
    raw_dir = raw_dir_of(spark_dir)
    with duckdb.connect(str(warehouse_path), read_only=True) as connection:
        present = set(raw_tables(connection))
    return [table for table in tables if table in present and not (raw_dir / table).is_dir()]
