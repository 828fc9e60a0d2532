"""Write generated columns into a source database through SQLAlchemy, fast.

SQLite (the default) gets text dates and float money straight through the driver's
executemany, with journaling and fsync off while generating (a numbered id lands in its
VARCHAR column as text). Any other database gets Python dates, datetimes, Decimals and
text ids through a Core insert.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from itertools import chain
from pathlib import Path
from typing import Any

import numpy as np
import sqlalchemy as sa

CHUNK_ROWS = 50_000
ROWS_PER_STATEMENT = 100  # rows per INSERT: at most 100 x 9 bound values, far below SQLite's limit
SQLITE_SIDE_FILES = ("-journal", "-wal", "-shm")
CURSOR_COLUMN = "updated_at"  # what incremental extraction follows (source_tables.py)


def is_sqlite(url: str) -> bool:
    return sa.engine.make_url(url).get_backend_name() == "sqlite"


def sqlite_file(url: str) -> Path | None:
    """The file of a SQLite URL; None for other databases and in-memory SQLite."""
    parsed = sa.engine.make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    return Path(parsed.database).expanduser()


def ensure_sqlite_folder(url: str) -> None:
    path = sqlite_file(url)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)


def _fast_sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # A generator run is all-or-nothing: a crash means regenerate, so skip the journal.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=OFF")
    cursor.execute("PRAGMA synchronous=OFF")
    cursor.close()


def _as_list(values: Sequence | np.ndarray, start: int, stop: int) -> list:
    part = values[start:stop]
    return part.tolist() if isinstance(part, np.ndarray) else list(part)


def _to_python_type(column: sa.Column, value: object) -> object:
    """Text dates and float money become the objects a typed database driver expects."""
    if value is None:
        return None
    kind = column.type
    if isinstance(kind, sa.DateTime) and isinstance(value, str):
        return datetime.fromisoformat(value)
    if isinstance(kind, sa.Date) and isinstance(value, str):
        return date.fromisoformat(value)
    if isinstance(kind, sa.Numeric) and not isinstance(kind, sa.Float):
        return Decimal(f"{float(value):.2f}")
    if isinstance(kind, sa.String) and isinstance(value, int):
        return str(value)  # the generator numbers orders, lines, leads: ids are text
    return value


class SourceWriter:
    """One source database: tables dropped and recreated on open, then filled in chunks."""

    def __init__(self, url: str, metadata: sa.MetaData) -> None:
        self.url = url
        self.metadata = metadata
        self.sqlite = is_sqlite(url)
        self.rows_written: dict[str, int] = dict.fromkeys(metadata.tables, 0)
        self._engine: sa.Engine | None = None
        self._connection: sa.Connection | None = None

    def __enter__(self) -> SourceWriter:
        ensure_sqlite_folder(self.url)
        self._remove_own_sqlite_file()
        self._engine = sa.create_engine(self.url)
        if self.sqlite:
            sa.event.listen(self._engine, "connect", _fast_sqlite_pragmas)
        self._connection = self._engine.connect()
        self.metadata.drop_all(self._connection)
        self.metadata.create_all(self._connection)
        self._connection.commit()
        return self

    def __exit__(self, exc_type: object, exc: object, traceback: object) -> None:
        if self._connection is not None:
            if exc_type is None:
                self._index_change_cursors(self._connection)
                self._connection.commit()
            else:
                self._connection.rollback()
            self._connection.close()
        if self._engine is not None:
            self._engine.dispose()

    def _index_change_cursors(self, connection: sa.Connection) -> None:
        """Index every table's change cursor, as a source read incrementally has it: a
        nightly extract then reads the rows changed since its watermark instead of the
        whole table. Created once the rows are in (one sort, not upkeep on every insert)."""
        quote = connection.dialect.identifier_preparer.quote
        for table in self.metadata.sorted_tables:
            if CURSOR_COLUMN in table.columns:
                index = quote(f"ix_{table.name}_{CURSOR_COLUMN}")
                connection.exec_driver_sql(
                    f"CREATE INDEX {index} ON {quote(table.name)} ({quote(CURSOR_COLUMN)})"
                )

    def _remove_own_sqlite_file(self) -> None:
        """Delete a SQLite file that holds nothing but our tables.

        Dropping millions of rows table by table is slow; a file with other tables in it
        is left alone and only our tables are dropped.
        """
        path = sqlite_file(self.url)
        if path is None or not path.exists():
            return
        engine = sa.create_engine(self.url)
        try:
            tables = set(sa.inspect(engine).get_table_names())
        finally:
            engine.dispose()
        if tables <= set(self.metadata.tables):
            for leftover in (path, *(path.with_name(path.name + s) for s in SQLITE_SIDE_FILES)):
                leftover.unlink(missing_ok=True)

    def commit(self) -> None:
        self._open_connection().commit()

    def _open_connection(self) -> sa.Connection:
        if self._connection is None:
            raise RuntimeError(f"writer for {self.url} is not open: use it in a with block")
        return self._connection

    def write(
        self,
        table: sa.Table,
        columns: Mapping[str, Sequence | np.ndarray],
        extra_rows: Sequence[tuple] = (),
    ) -> int:
        """Insert column arrays (in the table's column order) plus ready-made row tuples."""
        names = [c.name for c in table.columns]
        if list(columns) != names:
            raise ValueError(
                f"rows for table {table.name} have columns {list(columns)}, expected {names}"
            )
        size = len(next(iter(columns.values())))
        for start in range(0, size, CHUNK_ROWS):
            stop = min(start + CHUNK_ROWS, size)
            lists = [_as_list(columns[name], start, stop) for name in names]
            self._insert(table, list(zip(*lists, strict=True)))
        if extra_rows:
            self._insert(table, list(extra_rows))
        written = size + len(extra_rows)
        self.rows_written[table.name] += written
        return written

    def _insert(self, table: sa.Table, rows: list[tuple]) -> None:
        connection = self._open_connection()
        if not rows:
            return
        if self.sqlite:
            self._insert_sqlite(connection, table, rows)
            return
        columns = list(table.columns)
        records = [
            {c.name: _to_python_type(c, v) for c, v in zip(columns, row, strict=True)}
            for row in rows
        ]
        connection.execute(table.insert(), records)

    @staticmethod
    def _insert_sqlite(connection: sa.Connection, table: sa.Table, rows: list[tuple]) -> None:
        """executemany of multi-row INSERTs: a third faster than one row per statement."""
        preparer = connection.dialect.identifier_preparer
        column_list = ", ".join(preparer.quote(c.name) for c in table.columns)
        one_row = "(" + ", ".join("?" for _ in table.columns) + ")"
        head = f"INSERT INTO {preparer.quote(table.name)} ({column_list}) VALUES "
        full = len(rows) // ROWS_PER_STATEMENT * ROWS_PER_STATEMENT
        if full:
            values = list(chain.from_iterable(rows[:full]))
            width = ROWS_PER_STATEMENT * len(table.columns)
            statements = [tuple(values[i : i + width]) for i in range(0, len(values), width)]
            connection.exec_driver_sql(head + ", ".join([one_row] * ROWS_PER_STATEMENT), statements)
        if full < len(rows):
            connection.exec_driver_sql(head + one_row, rows[full:])
