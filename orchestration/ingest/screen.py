"""Land a chunk of raw source rows in DuckDB as Arrow, type it and screen it in SQL.

The raw contract's rules run in the warehouse, as SQL generated from the registry entry
the pandera contract is built from (`models/registry/sql_checks.py`). Per column:

1. Landing. The DB-API values become one Arrow array of the column's type when they are of
   the Python types that type certainly (int for BIGINT; float, int or Decimal for
   DECIMAL; str, or int rendered as pandera renders it, for text; ISO text or date /
   naive datetime objects for dates and times). A value of any other type (bytes, bool,
   'twelve' in a BIGINT column, a datetime with a zone) lands as null and its row is
   *unscreened*.
2. Typing, in SQL: dates and times landed as text are cast and must print back to
   exactly the same text, so '2025-3-1', '2025-02-30' or a UTC offset never parse where
   pandas would disagree.
3. Screening, in SQL: the row parsed, every column passes `column_holds`, dates lie
   before the future horizon, the row rules hold.

A row that is unscreened or fails the screen goes to the pandera contract
(`validate.validate_chunk`), which accepts it or names the rules it breaks. The SQL is
conservative by design: it may send a good row to pandera (which then accepts it), never a
bad row to raw. `tests/ingest/test_ingest_screen.py` holds it to that.
"""

from __future__ import annotations

import datetime as dt
import decimal
import re
from dataclasses import dataclass
from itertools import chain

import pyarrow as pa

from models.raw import DATE_COLUMNS, future_horizon
from models.registry.schema import Column, Table
from models.registry.sql_checks import column_holds, literal, quote, row_rule_holds

ROW = "_chunk_row"  # position of a row in its chunk
CLEAN = "_clean"  # the screen's verdict: true when the row passed every rule
NoneType = type(None)

# As SQLAlchemy writes a DateTime into SQLite: always six digits of microseconds.
MICROSECONDS_FORMAT = "%Y-%m-%d %H:%M:%S.%f"
EXACT_DOUBLE_INTEGERS = 2**53  # every integer below it is exactly a double
PLAIN_TYPES = {str, int, float, NoneType}
TIMES = ("date", "timestamp")
PLAIN_ARROW = {
    "text": pa.string(),
    "integer": pa.float64(),
    "decimal": pa.float64(),
    "date": pa.string(),
    "timestamp": pa.string(),
}
# pandas holds dates and times in nanoseconds: its years run from 1678 to 2261.
PANDAS_YEARS = (1678, 2261)


def column_kind(column: Column) -> str:
    if column.is_decimal:
        return "decimal"
    return {"varchar": "text", "bigint": "integer", "date": "date", "timestamp": "timestamp"}[
        column.data_type
    ]


@dataclass(frozen=True)
class LandedChunk:
    """A chunk as Arrow: the source columns as landed, plus its row positions."""

    arrow: pa.Table
    as_text: frozenset[str]  # date and time columns landed as text (parsed in SQL)
    unscreened: frozenset[int]  # rows with a value the landing could not represent
    as_double: frozenset[str] = frozenset()  # BIGINT columns landed as DOUBLE (checked in SQL)


def _arrow_type(kind: str, present: set[type]) -> tuple[pa.DataType, frozenset[type], bool]:
    """(Arrow type, the Python types landing as it, landed as text?) for a column's values."""
    if kind == "integer":
        return pa.int64(), frozenset({int}), False
    if kind == "decimal":
        return pa.float64(), frozenset({float, int, decimal.Decimal}), False
    if kind == "text":
        return pa.string(), frozenset({str, int}), False
    if str in present or not present:
        return pa.string(), frozenset({str}), True
    if kind == "date":
        return pa.date32(), frozenset({dt.date}), False
    return pa.timestamp("us"), frozenset({dt.datetime}), False


def _fits(value: object, arrow_type: pa.DataType) -> bool:
    try:
        pa.array([value], type=arrow_type)
    except (pa.ArrowException, OverflowError, ValueError, TypeError):
        return False
    return True


def _land_column(values: tuple, kind: str) -> tuple[pa.Array, bool, list[int]]:
    """(array, landed as text?, positions of values it could not represent)."""
    present = set(map(type, values)) - {NoneType}
    arrow_type, landing, as_text = _arrow_type(kind, present)
    bad: list[int] = []
    if not present <= landing:
        bad = [i for i, v in enumerate(values) if v is not None and type(v) not in landing]
    if kind == "timestamp" and not as_text and dt.datetime in present:
        bad += [i for i, v in enumerate(values) if type(v) is dt.datetime and v.tzinfo]
    if decimal.Decimal in present or (kind == "text" and int in present):
        skipped = set(bad)
        values = tuple(
            None if i in skipped else _landed_value(v, kind) for i, v in enumerate(values)
        )
    elif bad:
        # A few misfits in a column of the right type: null them where they are, rather
        # than rebuild the column value by value.
        values = list(values)
        for i in bad:
            values[i] = None
    try:
        return pa.array(values, type=arrow_type), as_text, bad
    except (pa.ArrowException, OverflowError, ValueError, TypeError):
        # e.g. an integer beyond BIGINT or text that is not valid UTF-8: find each one
        misfits = [i for i, v in enumerate(values) if v is not None and not _fits(v, arrow_type)]
        skipped = set(misfits)
        kept = [None if i in skipped else v for i, v in enumerate(values)]
        return pa.array(kept, type=arrow_type), as_text, bad + misfits


def _landed_value(value: object, kind: str) -> object:
    if type(value) is decimal.Decimal:
        return float(value)  # as pd.to_numeric does
    if kind == "text" and type(value) is int:
        return str(value)  # as pandera's coercion to str does
    return value


def _land_at_once(rows: list[tuple], table: Table) -> LandedChunk | None:
    """The usual chunk, of text, int and float values only, in one Arrow conversion; None
    when a value does not convert (a column landed value by value then finds it).

    Arrow converts exactly as the per-column landing would: text only to text (an int
    there fails), int or float to DECIMAL's double. Dates and times land as text. BIGINT
    columns land as DOUBLE (Arrow would truncate 2.5 to 2): SQL takes a whole value below
    2**53, which no int or float conversion changed, and sends any other to pandera.
    """
    if not set(map(type, chain.from_iterable(rows))) <= PLAIN_TYPES:
        return None
    kinds = [column_kind(c) for c in table.columns]
    fields = [(c.name, PLAIN_ARROW[kind]) for c, kind in zip(table.columns, kinds, strict=True)]
    try:
        struct = pa.array(rows, type=pa.struct(fields))
    except (pa.ArrowException, OverflowError, ValueError, TypeError):
        return None
    arrays = [*struct.flatten(), pa.array(range(len(rows)), type=pa.int64())]
    names = [*table.column_names, ROW]
    by_kind = list(zip(table.columns, kinds, strict=True))
    as_text = frozenset(c.name for c, kind in by_kind if kind in TIMES)
    as_double = frozenset(c.name for c, kind in by_kind if kind == "integer")
    return LandedChunk(pa.Table.from_arrays(arrays, names=names), as_text, frozenset(), as_double)


def land_rows(rows: list[tuple], table: Table) -> LandedChunk:
    """The DB-API rows (in the table's column order) as Arrow; see the module docstring."""
    landed = _land_at_once(rows, table) if rows else None
    if landed is not None:
        return landed
    columns = list(zip(*rows, strict=True)) if rows else [() for _ in table.columns]
    arrays, names, as_text, unscreened = [], [], set(), set()
    for column, values in zip(table.columns, columns, strict=True):
        array, text, bad = _land_column(values, column_kind(column))
        arrays.append(array)
        names.append(column.name)
        if text and column_kind(column) in ("date", "timestamp"):
            as_text.add(column.name)
        unscreened.update(bad)
    arrays.append(pa.array(range(len(rows)), type=pa.int64()))
    names.append(ROW)
    return LandedChunk(
        pa.Table.from_arrays(arrays, names=names), frozenset(as_text), frozenset(unscreened)
    )


def _parse_text(value: str, kind: str) -> str:
    """SQL: the text as a DATE or TIMESTAMP when it is one written in full, as DuckDB
    prints it back ('2025-03-01', '2025-03-01 09:00:00', '2025-03-01T09:00:00.25'), or
    with all six digits of its microseconds; else null. DuckDB's cast alone would also
    take '2025-3-1' or a UTC offset, where pandas and the contract disagree."""
    if kind == "date":
        parsed = f"try_cast({value} as date)"
        exact = f"cast({parsed} as varchar) = {value}"
    else:
        parsed = f"try_cast({value} as timestamp)"
        exact = (
            f"(cast({parsed} as varchar) = replace({value}, 'T', ' ') "
            f"or strftime({parsed}, '{MICROSECONDS_FORMAT}') = replace({value}, 'T', ' '))"
        )
    return f"case when {exact} then {parsed} end"


def _typed(column: Column, landed: LandedChunk) -> str:
    value = quote(column.name)
    if column.name in landed.as_text:
        return _parse_text(value, column_kind(column))
    if column.name in landed.as_double:
        return (
            f"case when {value} = trunc({value}) and abs({value}) < {EXACT_DOUBLE_INTEGERS} "
            f"then cast({value} as bigint) end"
        )
    return value


def _time_checks(column: Column, value: str, horizon: str) -> list[str]:
    if column_kind(column) not in ("date", "timestamp"):
        return []
    low, high = PANDAS_YEARS
    checks = [f"({value} is null or year({value}) between {low} and {high})"]
    if re.match(DATE_COLUMNS, column.name):
        checks.append(f"({value} is null or {value} <= {horizon})")
    return checks


def screen_sql(table: Table, landed: LandedChunk, relation: str, declared: dict[str, int]) -> str:
    """SELECT of the chunk's rows, typed, with `_clean`: true where the row passed every
    rule of the raw contract. Always false when a rule has no SQL (pandera decides)."""
    typed = ", ".join(f"{_typed(c, landed)} as {quote(c.name)}" for c in table.columns)
    parsed = " and ".join(
        f"({quote(c.name)} is null or {_typed(c, landed)} is not null)"
        for c in table.columns
        if c.name in landed.as_text | landed.as_double
    )
    horizon = literal(future_horizon())
    rules: list[str | None] = []
    for column in table.columns:
        value = quote(column.name)
        rules.append(column_holds(column, value, declared.get(column.name)))
        rules.extend(_time_checks(column, value, horizon))
    rules.extend(row_rule_holds(rule) for rule in table.row_rules)
    clean = "false" if None in rules else " and ".join(["_parsed", *rules])
    return (
        f"select *, coalesce({clean}, false) as {CLEAN} from ("
        f"select {ROW}, {typed}, {parsed or 'true'} as _parsed from {relation})"
    )
