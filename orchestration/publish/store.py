"""The reporting store: `rpt_*` tables copied out of the warehouse into their own file.

Readers never see a half-written store: the new file is built beside the served one,
checkpointed and closed, then moved over it with `os.replace` (atomic on one
filesystem). Parquet goes to a temporary folder that is swapped in the same way.
"""

from __future__ import annotations

import json
import os
import shutil
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from orchestration.settings import Settings

REPORTING_SCHEMA = "reporting"


@dataclass(frozen=True)
class Publication:
    path: Path
    parquet_dir: Path
    row_counts: dict[str, int] = field(default_factory=dict)
    quarters: list[str] = field(default_factory=list)


def reporting_tables(connection: duckdb.DuckDBPyConnection, catalog: str) -> list[str]:
    rows = connection.execute(
        "select table_name from information_schema.tables "
        "where table_catalog = ? and table_schema = ? and table_name like 'rpt\\_%' escape '\\' "
        "order by table_name",
        [catalog, REPORTING_SCHEMA],
    ).fetchall()
    return [name for (name,) in rows]


def _has_column(connection: duckdb.DuckDBPyConnection, table: str, column: str) -> bool:
    columns = connection.execute(f"describe main.{table}").fetchall()
    return any(row[0] == column for row in columns)


def publish_reporting_store(
    settings: Settings, publication_row: dict[str, object] | None = None
) -> Publication:
    """Copy every `reporting.rpt_*` table into a fresh reporting.duckdb and swap it in."""
    target = settings.reporting_path
    target.parent.mkdir(parents=True, exist_ok=True)
    staging_file = target.with_name(f".{target.name}.{uuid.uuid4().hex}.tmp")
    row_counts: dict[str, int] = {}
    quarters: set[str] = set()
    connection = duckdb.connect(str(staging_file))
    try:
        connection.execute(f"attach '{settings.warehouse_path}' as warehouse (read_only)")
        tables = reporting_tables(connection, "warehouse")
        if not tables:
            raise RuntimeError(
                f"no rpt_* tables in schema {REPORTING_SCHEMA} of {settings.warehouse_path}: "
                "run the pipeline for a quarter before publishing"
            )
        for table in tables:
            connection.execute(
                f"create table main.{table} as select * from warehouse.{REPORTING_SCHEMA}.{table}"
            )
            row_counts[table] = connection.execute(f"select count(*) from main.{table}").fetchone()[0]
            if _has_column(connection, table, "quarter"):
                quarters.update(
                    q for (q,) in connection.execute(f"select distinct quarter from main.{table}").fetchall()
                )
        record = {
            "published_at": datetime.now(UTC).replace(tzinfo=None),
            "quarters": ",".join(sorted(quarters)),
            "row_counts": json.dumps(row_counts, sort_keys=True),
            **(publication_row or {}),
        }
        columns = ", ".join(record)
        placeholders = ", ".join("?" for _ in record)
        connection.execute(
            "create table main.rpt_publication as select * from (values "
            f"({placeholders})) as t({columns})",
            list(record.values()),
        )
        connection.execute("detach warehouse")
        _write_parquet(connection, settings.parquet_dir, tables)
        connection.execute("checkpoint")
    except BaseException:
        connection.close()
        staging_file.unlink(missing_ok=True)
        raise
    connection.close()
    os.chmod(staging_file, 0o644)
    os.replace(staging_file, target)
    return Publication(target, settings.parquet_dir, row_counts, sorted(quarters))


def _write_parquet(connection: duckdb.DuckDBPyConnection, parquet_dir: Path, tables: list[str]) -> None:
    """Write Parquet (hive-partitioned by quarter) to a new folder, then swap it in."""
    parquet_dir.parent.mkdir(parents=True, exist_ok=True)
    fresh = parquet_dir.with_name(f".{parquet_dir.name}.{uuid.uuid4().hex}.tmp")
    fresh.mkdir()
    try:
        for table in tables:
            destination = fresh / table
            if _has_column(connection, table, "quarter"):
                connection.execute(
                    f"copy (select * from main.{table}) to '{destination}' "
                    "(format parquet, partition_by (quarter))"
                )
            else:
                destination.mkdir()
                connection.execute(
                    f"copy (select * from main.{table}) to '{destination / 'data.parquet'}' (format parquet)"
                )
    except BaseException:
        shutil.rmtree(fresh, ignore_errors=True)
        raise
    retired = parquet_dir.with_name(f".{parquet_dir.name}.{uuid.uuid4().hex}.old")
    if parquet_dir.exists():
        os.replace(parquet_dir, retired)
    os.replace(fresh, parquet_dir)
    shutil.rmtree(retired, ignore_errors=True)
