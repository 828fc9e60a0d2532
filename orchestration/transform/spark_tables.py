"""The Spark build's tables, readable where the rest of the pipeline reads: the warehouse.

On Spark (`SALES_TARGETS_ENGINE=spark`) dbt writes every table (the seeded plan, staging,
the stored intermediate steps, the quarter-partitioned marts, the reporting tables) as
Parquet under `<spark dir>/warehouse/<schema>.db/<table>/`. After each Spark build every
such table becomes a view of the same name in the DuckDB warehouse over those files, so
the contract checks, the org the plan check reads, publishing, the report and `status`
read Spark's numbers with no second code path, and publishing still writes one
reporting store, its Parquet files and the server target from them.

A view reads the files as they are on disk: a partition a later run overwrites is read
anew, and nothing is copied. Spark writes timestamps as UTC instants; the views give them
back as the UTC wall-clock timestamps the DuckDB build has.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb

SPARK_WAREHOUSE = "warehouse"
DATABASE_SUFFIX = ".db"


@dataclass(frozen=True)
class SparkTable:
    schema: str
    name: str
    folder: Path

    @property
    def partitioned(self) -> bool:
        return any(child.is_dir() and "=" in child.name for child in self.folder.iterdir())

    @property
    def has_files(self) -> bool:
        return any(self.folder.rglob("*.parquet"))

    def reader(self) -> str:
        files = str(self.folder / "**" / "*.parquet").replace("'", "''")
        return (
            f"read_parquet('{files}', hive_partitioning = {str(self.partitioned).lower()}, "
            "hive_types_autocast = false)"
        )


class SparkTableError(RuntimeError):
    """A Spark table the warehouse cannot show (it names the table and its folder)."""


def spark_tables(spark_dir: Path) -> list[SparkTable]:
    """Every table Spark stores under `spark_dir`, by schema and name."""
    warehouse = Path(spark_dir) / SPARK_WAREHOUSE
    if not warehouse.is_dir():
        return []
    tables = []
    for database in sorted(warehouse.glob(f"*{DATABASE_SUFFIX}")):
        schema = database.name.removesuffix(DATABASE_SUFFIX)
        for folder in sorted(database.iterdir()):
            if folder.is_dir() and not folder.name.startswith((".", "_")):
                tables.append(SparkTable(schema, folder.name, folder))
    return tables


def _select_list(connection: duckdb.DuckDBPyConnection, table: SparkTable) -> str:
    columns = connection.execute(f"describe select * from {table.reader()}").fetchall()
    listed = []
    for name, column_type, *_ in columns:
        quoted = '"' + name.replace('"', '""') + '"'
        if column_type == "TIMESTAMP WITH TIME ZONE":
            listed.append(f"timezone('UTC', {quoted}) as {quoted}")
        else:
            listed.append(quoted)
    return ", ".join(listed)


def _existing_kind(connection: duckdb.DuckDBPyConnection, schema: str, name: str) -> str | None:
    row = connection.execute(
        "select table_type from information_schema.tables "
        "where table_catalog = current_database() and table_schema = ? and table_name = ?",
        [schema, name],
    ).fetchone()
    return row[0] if row else None


def show_spark_tables(connection: duckdb.DuckDBPyConnection, spark_dir: Path) -> list[str]:
    """(Re)create one warehouse view per Spark table; returns `schema.table` of each.

    A table of the same name left by an earlier build on DuckDB is replaced: from now on
    the warehouse shows what Spark built. A table Spark stored with no file at all (a
    partitioned table no quarter has rows in yet) has no schema to read and is skipped.
    """
    shown = []
    for table in spark_tables(spark_dir):
        if not table.has_files:
            continue
        relation = f'"{table.schema}"."{table.name}"'
        try:
            select_list = _select_list(connection, table)
        except duckdb.Error as exc:
            raise SparkTableError(
                f"Spark table {table.schema}.{table.name} ({table.folder}) cannot be read: {exc}"
            ) from exc
        connection.execute(f'create schema if not exists "{table.schema}"')
        if _existing_kind(connection, table.schema, table.name) == "BASE TABLE":
            connection.execute(f"drop table {relation}")
        connection.execute(
            f"create or replace view {relation} as select {select_list} from {table.reader()}"
        )
        shown.append(f"{table.schema}.{table.name}")
    return shown
