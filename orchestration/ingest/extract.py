"""Read a contract table from its source system through SQLAlchemy, in bounded chunks of
raw DB-API values.

The rows come from the table's select in the source mapping (`mapping.py`), wrapped as
`select <contract columns> from (<select>) as mapped [where updated_at >= :since]`, the
columns untyped (`sa.column(name)`), so SQLAlchemy applies no result processor: 'twelve'
in an integer column or '2025-02-30' in a date column of a SQLite source reaches the raw
contract as it is, instead of crashing the read. Before reading, the select's columns are
compared with the contract's: a missing one is a `MappingError` naming the mapping file,
table and column.
Passwords never appear in messages: every URL shown is masked. SQLite may hold text that
is not valid UTF-8; such a value is read as bytes (the raw contract quarantines the row
as `invalid_utf8`) instead of failing the read of the whole table.
"""

from __future__ import annotations

import logging
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from itertools import islice
from pathlib import Path
from typing import Any

import pandas as pd
import sqlalchemy as sa

from orchestration.ingest.mapping import MappingError, TableMapping, database_url
from orchestration.settings import Settings

log = logging.getLogger(__name__)

CONNECT_ATTEMPTS = 3
FIRST_RETRY_DELAY_SECONDS = 1.0  # doubles after every failed attempt
UNDECODABLE = "Could not decode to UTF-8"  # how sqlite3's own decoding reports bad text


class SourceUnavailableError(RuntimeError):
    """A source database cannot be reached or read; the message names it, password masked."""


def masked_url(url: str) -> str:
    """The URL with its password replaced by ***, safe for logs and metadata."""
    try:
        return sa.engine.make_url(url).render_as_string(hide_password=True)
    except sa.exc.ArgumentError:
        return "<unparseable database URL>"


def source_url(settings: Settings, mapping: TableMapping) -> str:
    """The SQLAlchemy URL of the system a mapped table is read from."""
    return database_url(mapping, settings)


def _scrub(message: str, url: str) -> str:
    """Remove the password from a driver's message, in case the driver echoes it."""
    try:
        password = sa.engine.make_url(url).password
    except sa.exc.ArgumentError:
        return message
    return message.replace(password, "***") if password else message


def _first_line(exc: Exception) -> str:
    """The driver's own message (first line), without SQLAlchemy's statement dump."""
    text = str(getattr(exc, "orig", None) or exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _sqlite_file(url: sa.engine.URL) -> Path | None:
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return None
    if url.database.startswith("file:"):
        return None  # a URI filename: leave it to SQLite
    return Path(url.database)


def _text_or_bytes(raw: bytes) -> str | bytes:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw


def _keep_undecodable_text(dbapi_connection, _connection_record) -> None:
    dbapi_connection.text_factory = _text_or_bytes


def _unavailable(mapping: TableMapping, url: str, problem: str) -> SourceUnavailableError:
    return SourceUnavailableError(
        f"{mapping.system} source for table {mapping.table} at {masked_url(url)}: "
        f"{_scrub(problem, url)}. Check {mapping.url_variable} and the table's select in "
        f"{mapping.file} (or generate the demo sources)."
    )


def _connect_with_retries(
    engine: sa.Engine, mapping: TableMapping, url: str, attempts: int, first_delay: float
) -> sa.Connection:
    delay = first_delay
    for attempt in range(1, attempts + 1):
        try:
            return engine.connect()
        except sa.exc.DBAPIError as exc:
            problem = _first_line(exc)
            if attempt == attempts:
                raise _unavailable(
                    mapping, url, f"cannot connect after {attempts} attempts ({problem})"
                ) from None
            log.warning(
                "%s source at %s: connect attempt %d of %d failed (%s); retrying in %.1fs",
                mapping.system,
                masked_url(url),
                attempt,
                attempts,
                _scrub(problem, url),
                delay,
            )
            time.sleep(delay)
            delay *= 2
    raise AssertionError("unreachable")  # pragma: no cover - the loop returns or raises


@contextmanager
def open_source(
    mapping: TableMapping,
    url: str,
    attempts: int = CONNECT_ATTEMPTS,
    first_retry_delay: float = FIRST_RETRY_DELAY_SECONDS,
) -> Iterator[sa.Connection]:
    """A read connection to the system holding `mapping`'s table, with bounded retries."""
    try:
        parsed = sa.engine.make_url(url)
    except sa.exc.ArgumentError:
        raise _unavailable(mapping, url, "the database URL cannot be parsed") from None
    sqlite_file = _sqlite_file(parsed)
    if sqlite_file is not None and not sqlite_file.exists():
        # Connecting would silently create an empty database file.
        raise _unavailable(mapping, url, f"database file {sqlite_file} does not exist")
    try:
        engine = sa.create_engine(parsed)
    except (sa.exc.NoSuchModuleError, ImportError) as exc:
        raise _unavailable(mapping, url, f"no database driver installed ({exc})") from None
    except sa.exc.ArgumentError as exc:
        problem = f"the URL is not valid for its driver ({str(exc).splitlines()[0]})"
        raise _unavailable(mapping, url, problem) from None
    if parsed.get_backend_name() == "sqlite":
        sa.event.listen(engine, "connect", _keep_undecodable_text)
    try:
        connection = _connect_with_retries(engine, mapping, url, attempts, first_retry_delay)
        try:
            yield connection
        finally:
            connection.close()
    finally:
        engine.dispose()


def select_columns(connection: sa.Connection, mapping: TableMapping, url: str) -> list[str]:
    """The names the mapping's select returns (no row is read)."""
    mapped = sa.text(f"({mapping.select}) as mapped")
    probe = sa.select(sa.text("*")).select_from(mapped).where(sa.false())
    try:
        with connection.execute(probe) as result:
            return list(result.keys())
    except sa.exc.DBAPIError as exc:
        connection.rollback()
        raise _unavailable(mapping, url, f"cannot read the table ({_first_line(exc)})") from None


def match_columns(mapping: TableMapping, returned: list[str]) -> dict[str, str]:
    """Each contract column -> the name the select returns it under (case aside); a missing
    one is a `MappingError` naming the file, table and column."""
    by_folded = {name.lower(): name for name in returned}
    missing = [column for column in mapping.columns if column not in by_folded]
    if missing:
        extra = [name for name in returned if name.lower() not in mapping.columns]
        hint = (
            f" (it returns {', '.join(map(repr, extra))}, not a contract column)" if extra else ""
        )
        more = f"; also missing: {', '.join(missing[1:])}" if missing[1:] else ""
        raise MappingError(
            f"{mapping.where()}: the select returns no column {missing[0]}{hint}{more}"
        )
    return {column: by_folded[column] for column in mapping.columns}


def extract_statement(
    mapping: TableMapping, since: datetime | None, names: dict[str, str] | None = None
) -> sa.Select:
    """SELECT of the contract columns, untyped, from the mapped select; from `since` on
    (everything when None, or when the table has no cursor). `names` maps each contract
    column to the name the select returns it under (default: the same)."""
    names = names or {column: column for column in mapping.columns}
    returned = sa.text(mapping.select).columns(*(sa.column(names[c]) for c in mapping.columns))
    rows = returned.subquery("mapped")
    statement = sa.select(*(rows.c[names[c]].label(c) for c in mapping.columns))
    if since is not None and mapping.cursor is not None:
        # Typed bind: the dialect renders the datetime the way it stores one.
        bound = sa.bindparam("since", since, type_=sa.DateTime())
        statement = statement.where(rows.c[names[mapping.cursor]] >= bound)
    return statement


Fetch = Callable[[Any, int], list]  # (DB-API cursor, at most n rows) -> rows


def _fetchmany(cursor: Any, size: int) -> list:
    return cursor.fetchmany(size)


def _sqlite_fetch(dbapi_connection: sqlite3.Connection) -> Fetch:
    """fetchmany that lets sqlite3 decode text in C, and `_text_or_bytes` only bad rows.

    The Python text_factory costs a call per text value. With `str`, sqlite3 raises on
    text that is not UTF-8 and stays on that row: the rows read before it are kept
    (list.extend), the row is read again with `_text_or_bytes` (its text kept as bytes)
    and the read goes on.
    """

    def fetch(cursor: sqlite3.Cursor, size: int) -> list:
        rows: list = []
        dbapi_connection.text_factory = str
        try:
            while len(rows) < size:
                try:
                    rows.extend(islice(cursor, size - len(rows)))
                    break
                except sqlite3.Error as exc:
                    if not str(exc).startswith(UNDECODABLE):
                        raise
                    dbapi_connection.text_factory = _text_or_bytes
                    row = next(cursor, None)  # the row that failed
                    if row is None:
                        raise  # the driver moved on: fail rather than lose the row
                    rows.append(row)
                    dbapi_connection.text_factory = str
        finally:
            dbapi_connection.text_factory = _text_or_bytes
        return rows

    return fetch


def _row_fetch(connection: sa.Connection) -> Fetch:
    """How to fetch raw rows on this connection: SQLite decodes text fast (see above)."""
    dbapi_connection = connection.connection.dbapi_connection
    if getattr(dbapi_connection, "text_factory", None) is _text_or_bytes:
        return _sqlite_fetch(dbapi_connection)
    return _fetchmany


def _driver_batches(result: sa.CursorResult, chunk_size: int, fetch: Fetch) -> Iterator[list]:
    """The result's rows as the DB-API driver returns them, `chunk_size` at a time.

    SQLAlchemy's Row objects cost more than the read itself. A streaming result may hold
    a row read ahead from the cursor; fetching the first row through SQLAlchemy takes
    that one, so every further row comes straight from the DB-API cursor, in order.
    """
    head = result.fetchmany(1)
    if not head:
        return
    cursor = result.cursor
    batch = [tuple(head[0])]
    if chunk_size > 1:  # fetchmany(0) would read the whole table
        batch.extend(fetch(cursor, chunk_size - 1))
    while batch:
        yield batch
        batch = fetch(cursor, chunk_size)


def read_batches(
    connection: sa.Connection,
    mapping: TableMapping,
    url: str,
    since: datetime | None,
    chunk_size: int,
) -> Iterator[list[tuple]]:
    """Stream the rows changed since `since`, at most `chunk_size` at a time, as the DB-API
    driver returns them: tuples of raw values in the contract's column order."""
    if chunk_size < 1:
        raise ValueError(f"ingest chunk size must be at least 1, got {chunk_size}")
    names = match_columns(mapping, select_columns(connection, mapping, url))
    statement = extract_statement(mapping, since, names)
    try:
        result = connection.execution_options(yield_per=chunk_size).execute(statement)
    except sa.exc.DBAPIError as exc:
        problem = _first_line(exc)
        raise _unavailable(mapping, url, f"cannot read the table ({problem})") from None
    # Errors come wrapped by SQLAlchemy (first row) or straight from the driver (the rest).
    read_errors = (sa.exc.DBAPIError, connection.dialect.loaded_dbapi.Error)
    with result:
        batches = _driver_batches(result, chunk_size, _row_fetch(connection))
        while True:
            try:
                rows = next(batches)
            except StopIteration:
                return
            except read_errors as exc:
                # The source went away mid-read (dropped, truncated, connection lost).
                problem = f"lost the source while reading the table ({_first_line(exc)})"
                raise _unavailable(mapping, url, problem) from None
            yield rows


def read_chunks(
    connection: sa.Connection,
    mapping: TableMapping,
    url: str,
    since: datetime | None,
    chunk_size: int,
) -> Iterator[pd.DataFrame]:
    """`read_batches` as frames: object columns (values exactly as the driver returned
    them), named as the contract names them, and a RangeIndex counting rows in the chunk."""
    columns = list(mapping.columns)
    for rows in read_batches(connection, mapping, url, since, chunk_size):
        yield pd.DataFrame(rows, columns=columns, dtype=object)
