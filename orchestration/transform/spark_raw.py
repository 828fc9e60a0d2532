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


def land_raw_tables(warehouse_path: Path, spark_dir: Path) -> dict[str, int]:
    """Write every `raw.*` table of the DuckDB warehouse as Parquet for Spark.

    Each table's folder is replaced whole (written beside it, then swapped in), so a
    reader never sees half a table. Returns the rows written per table.
    """
    raw_dir = raw_dir_of(spark_dir)
    raw_dir.mkdir(parents=True, exist_ok=True)
    landed: dict[str, int] = {}
    with duckdb.connect(str(warehouse_path), read_only=True) as connection:
        for table in raw_tables(connection):
            folder = raw_dir / table
            staged = raw_dir / f".{table}.{uuid.uuid4().hex}.tmp"
            staged.mkdir()
            target = str(staged / DATA_FILE).replace("'", "''")
            connection.execute(f"copy {RAW_SCHEMA}.\"{table}\" to '{target}' (format parquet)")
            (rows,) = connection.execute(f'select count(*) from {RAW_SCHEMA}."{table}"').fetchone()
            retired = raw_dir / f".{table}.{uuid.uuid4().hex}.old"
            if folder.exists():
                os.replace(folder, retired)
            os.replace(staged, folder)
            shutil.rmtree(retired, ignore_errors=True)
            landed[table] = rows
    return landed
