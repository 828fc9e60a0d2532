"""Read a source table through SQLAlchemy in bounded chunks of raw DB-API values.

Columns are selected untyped (`sa.column(name)`), so SQLAlchemy applies no result
processor: 'twelve' in an integer column or '2025-02-30' in a date column of a SQLite
source reaches the raw contract as it is, instead of crashing the read.
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

from orchestration.ingest.source_tables import SourceTable
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


def source_url(settings: Settings, source: SourceTable) -> str:
    """The SQLAlchemy URL of the system a source table lives in."""
    urls = {"crm": settings.crm_database_url, "orders": settings.orders_database_url}
    if source.system not in urls:
        raise ValueError(f"source table {source.name} names unknown system {source.system!r}")
    return urls[source.system]


def _url_setting(source: SourceTable) -> str:
    return f"{source.system.upper()}_DATABASE_URL"


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


def _unavailable(source: SourceTable, url: str, problem: str) -> SourceUnavailableError:
    return SourceUnavailableError(
        f"{source.system} source for table {source.name} at {masked_url(url)}: "
        f"{_scrub(problem, url)}. Check {_url_setting(source)} (or generate the demo sources)."
    )


def _connect_with_retries(
    engine: sa.Engine, source: SourceTable, url: str, attempts: int, first_delay: float
) -> sa.Connection:
    delay = first_delay
    for attempt in range(1, attempts + 1):
        try:
            return engine.connect()
        except sa.exc.DBAPIError as exc:
            problem = _first_line(exc)
            if attempt == attempts:
                raise _unavailable(
                    source, url, f"cannot connect after {attempts} attempts ({problem})"
                ) from None
            log.warning(
                "%s source at %s: connect attempt %d of %d failed (%s); retrying in %.1fs",
                source.system,
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
    source: SourceTable,
    url: str,
    attempts: int = CONNECT_ATTEMPTS,
    first_retry_delay: float = FIRST_RETRY_DELAY_SECONDS,
) -> Iterator[sa.Connection]:
    """A read connection to the system holding `source`, with bounded connect retries."""
    try:
        parsed = sa.engine.make_url(url)
    except sa.exc.ArgumentError:
        raise _unavailable(source, url, "the database URL cannot be parsed") from None
    sqlite_file = _sqlite_file(parsed)
    if sqlite_file is not None and not sqlite_file.exists():
        # Connecting would silently create an empty database file.
        raise _unavailable(source, url, f"database file {sqlite_file} does not exist")
    try:
        engine = sa.create_engine(parsed)
    except (sa.exc.NoSuchModuleError, ImportError) as exc:
        raise _unavailable(source, url, f"no database driver installed ({exc})") from None
    except sa.exc.ArgumentError as exc:
        problem = f"the URL is not valid for its driver ({str(exc).splitlines()[0]})"
        raise _unavailable(source, url, problem) from None
    if parsed.get_backend_name() == "sqlite":
        sa.event.listen(engine, "connect", _keep_undecodable_text)
    try:
        connection = _connect_with_retries(engine, source, url, attempts, first_retry_delay)
        try:
            yield connection
        finally:
            connection.close()
    finally:
        engine.dispose()


def extract_statement(source: SourceTable, since: datetime | None) -> sa.Select:
    """SELECT of the source columns, untyped, from `since` on (everything when None)."""
    columns = [sa.column(name) for name in source.column_names]
    statement = sa.select(*columns).select_from(sa.table(source.name, schema=source.table.schema))
    if since is not None:
        # Typed bind: the dialect renders the datetime the way it stores one.
        bound = sa.bindparam("since", since, type_=sa.DateTime())
        statement = statement.where(sa.column("updated_at") >= bound)
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


def read_chunks(
    connection: sa.Connection,
    source: SourceTable,
    url: str,
    since: datetime | None,
    chunk_size: int,
) -> Iterator[pd.DataFrame]:
    """Stream the rows changed since `since` as frames of at most `chunk_size` raw values.

    Frames have object columns (values exactly as the driver returned them) and a
    RangeIndex counting rows within the chunk.
    """
    if chunk_size < 1:
        raise ValueError(f"ingest chunk size must be at least 1, got {chunk_size}")
    statement = extract_statement(source, since)
    try:
        result = connection.execution_options(yield_per=chunk_size).execute(statement)
    except sa.exc.DBAPIError as exc:
        problem = _first_line(exc)
        raise _unavailable(source, url, f"cannot read the table ({problem})") from None
    # Errors come wrapped by SQLAlchemy (first row) or straight from the driver (the rest).
    read_errors = (sa.exc.DBAPIError, connection.dialect.loaded_dbapi.Error)
    columns = list(source.column_names)
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
                raise _unavailable(source, url, problem) from None
            yield pd.DataFrame(rows, columns=columns, dtype=object)
