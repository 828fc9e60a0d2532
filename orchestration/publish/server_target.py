"""The optional server copy (`REPORTING_DATABASE_URL`): the same tables, one transaction.

Every published table is replaced inside ONE transaction: tables are created (or
re-created when their columns changed), emptied with DELETE and refilled, then committed
once. Any error rolls the whole transaction back, so the server keeps the previous
version. DELETE rather than TRUNCATE or DROP: on PostgreSQL it takes no exclusive lock,
so readers keep reading the previous version until the commit.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import duckdb
import sqlalchemy as sa

from models.registry.published import PUBLISHED_TABLES
from orchestration.store_reader import open_store_read_only, store_columns, store_tables

INSERT_CHUNK_ROWS = 5_000

_SIMPLE_TYPES: dict[str, sa.types.TypeEngine] = {
    "VARCHAR": sa.Text(),
    "BOOLEAN": sa.Boolean(),
    "TINYINT": sa.SmallInteger(),
    "SMALLINT": sa.SmallInteger(),
    "INTEGER": sa.Integer(),
    "BIGINT": sa.BigInteger(),
    "UTINYINT": sa.SmallInteger(),
    "USMALLINT": sa.Integer(),
    "UINTEGER": sa.BigInteger(),
    "HUGEINT": sa.Numeric(38, 0),
    "UBIGINT": sa.Numeric(20, 0),
    "FLOAT": sa.Float(),
    "DOUBLE": sa.Float(),
    "DATE": sa.Date(),
    "TIMESTAMP": sa.DateTime(),
    "TIMESTAMP WITH TIME ZONE": sa.DateTime(timezone=True),
    "TIME": sa.Time(),
}
_DECIMAL = re.compile(r"^DECIMAL\((\d+),\s*(\d+)\)$")


class ServerTargetError(RuntimeError):
    """The server copy could not be replaced; it keeps its previous version."""


@dataclass(frozen=True)
class ServerPublication:
    url: str  # password hidden
    row_counts: dict[str, int]


def sqlalchemy_type(duckdb_type: str, table: str, column: str) -> sa.types.TypeEngine:
    """The SQLAlchemy type for a DuckDB column type, e.g. DECIMAL(18,2) -> Numeric(18, 2)."""
    kind = duckdb_type.upper()
    decimal = _DECIMAL.match(kind)
    if decimal:
        return sa.Numeric(int(decimal.group(1)), int(decimal.group(2)))
    if kind in _SIMPLE_TYPES:
        return _SIMPLE_TYPES[kind]
    raise ServerTargetError(
        f"table {table} column {column} has DuckDB type {duckdb_type}, which the server target "
        "cannot map: cast it to a plain type (VARCHAR, BIGINT, DOUBLE, DECIMAL, DATE, "
        "TIMESTAMP, BOOLEAN) in the reporting model"
    )


def server_table(
    metadata: sa.MetaData, table_name: str, columns: list[tuple[str, str]]
) -> sa.Table:
    """The server table for a store table's `(name, DuckDB type)` columns.

    Types follow what the store holds; descriptions come from the column registry (as
    table and column comments, where the server keeps comments), so a BI tool shows them.
    """
    entry = PUBLISHED_TABLES.get(table_name)
    described = {c.name: c.description for c in entry.columns} if entry else {}
    return sa.Table(
        table_name,
        metadata,
        *(
            sa.Column(name, sqlalchemy_type(kind, table_name, name), comment=described.get(name))
            for name, kind in columns
        ),
        comment=entry.description if entry else None,
    )


def _chunks(cursor: duckdb.DuckDBPyConnection, names: list[str]) -> Iterator[list[dict]]:
    while True:
        rows = cursor.fetchmany(INSERT_CHUNK_ROWS)
        if not rows:
            return
        yield [dict(zip(names, row, strict=True)) for row in rows]


def create_server_engine(url: str) -> sa.Engine:
    """An engine whose transactions also cover DDL (pysqlite needs help for that)."""
    engine = sa.create_engine(url)
    if engine.dialect.name == "sqlite":
        # pysqlite neither begins a transaction before CREATE/DROP nor lets SQLAlchemy
        # emit BEGIN: take over, as SQLAlchemy's pysqlite docs recommend.
        @sa.event.listens_for(engine, "connect")
        def _no_pysqlite_transactions(dbapi_connection, _record) -> None:
            dbapi_connection.isolation_level = None

        @sa.event.listens_for(engine, "begin")
        def _begin(connection: sa.Connection) -> None:
            connection.exec_driver_sql("BEGIN")

    return engine


def replace_server_tables(store: Path, url: str) -> ServerPublication:
    """Replace every `rpt_*` table of `store` in the database at `url` in one transaction."""
    masked = sa.engine.make_url(url).render_as_string(hide_password=True)
    source = open_store_read_only(store)
    engine = create_server_engine(url)
    row_counts: dict[str, int] = {}
    try:
        tables = {table: store_columns(source, table) for table in store_tables(source)}
        metadata = sa.MetaData()
        with engine.begin() as server:
            inspector = sa.inspect(server)
            for table_name, columns in tables.items():
                table = server_table(metadata, table_name, columns)
                if inspector.has_table(table_name):
                    existing = [column["name"] for column in inspector.get_columns(table_name)]
                    if existing != [name for name, _ in columns]:
                        table.drop(
                            server
                        )  # columns changed: re-create, still inside the transaction
                        table.create(server)
                    else:
                        server.execute(table.delete())
                else:
                    table.create(server)
                names = [name for name, _ in columns]
                cursor = source.execute(f"select * from main.{table_name}")
                count = 0
                for chunk in _chunks(cursor, names):
                    server.execute(table.insert(), chunk)
                    count += len(chunk)
                row_counts[table_name] = count
    except ServerTargetError:
        raise
    except Exception as exc:
        raise ServerTargetError(
            f"replacing the reporting tables in {masked} failed and was rolled back (the server "
            f"keeps its previous version): {type(exc).__name__}: {exc}"
        ) from exc
    finally:
        source.close()
        engine.dispose()
    return ServerPublication(url=masked, row_counts=row_counts)
