# Longer than 300 lines: type parsing and contract checks share one rejection log.
"""Split a chunk of raw source values into typed good rows and rejections.

Two steps, both driven by the raw contract (`models/raw.py`):
1. Type parsing, value by value: text in a numeric column or '2025-02-30' in a date
   column becomes a `type:<kind>` rejection for that row and column. pandera's own
   coercion fails a whole column at once on such a value, which would not say which
   row is bad.
2. The contract itself (lazy), on the rows that parsed: nulls, ranges, allowed values and
   row rules, each failure case becoming a rejection with a readable rule name. Those
   rows are first coerced to the contract's dtypes the way pandera would, in bulk, so
   pandera only runs the checks (`in_contract_types`, `_checks_schema`).

Type parsing also rejects what no contract dtype can express: a date or timestamp
carrying a UTC offset ('2026-03-01T10:00:00+08:00' in a column of naive local times:
`timezone_offset`, since converting it would silently move the row to another day),
text that is not valid UTF-8 (`invalid_utf8`, SQLite hands such values over as bytes)
and text longer than the source interface declares (`str_length(None, <n>)`).

A row that fails type parsing is reported for that alone; its other rules are checked
once the source fixes the value. Rejections are a frame with one row per (chunk row,
rule, column): `row` (position in the chunk), `rule`, `column_name`, `bad_value` (the
source value as text).
"""

from __future__ import annotations

import decimal
import functools
import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pandera.pandas as pa
import pyarrow
import pyarrow.compute as pc
import sqlalchemy as sa

from models.raw import ROW_RULE_COLUMNS, RawContract
from orchestration.ingest.source_tables import SOURCE_TABLES_BY_NAME

REJECTION_COLUMNS = ["row", "rule", "column_name", "bad_value"]
# pandera dtype (as text) -> the kind named in `type:<kind>` rules.
TYPE_KINDS = {
    "Int64": "integer",
    "float64": "decimal",
    "date": "date",
    "datetime64[ns]": "timestamp",
}
# pd.api.types.infer_dtype results (nulls counted) that numpy converts like pd.to_numeric.
PLAIN_NUMBER_INFERENCES = {
    "integer": ("integer",),
    "decimal": ("integer", "floating", "mixed-integer-float"),
}
# pandera dtypes whose dtype check looks at every value (in_contract_types ensures them).
PER_VALUE = ("str", "date")
# pandera check names that read better under another name in the quarantine.
RULE_NAMES = {"not_nullable": "not_null"}
LARGEST_BIGINT = 2**63
TIMEZONE_OFFSET = "timezone_offset"
INVALID_UTF8 = "invalid_utf8"
# A time of day followed by Z or +hh[:mm] / -hh[:mm]: the value names its own time zone.
_UTC_OFFSET = r"[0-9]{2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]+)?)?\s*(?:Z|[+-][0-9]{2}(?::?[0-9]{2})?)$"
SHOWN_TEXT_LIMIT = 200  # characters of an over-long value kept as its bad_value


class ContractStructureError(ValueError):
    """A chunk does not have the shape of its contract (a column missing, a dtype bug)."""


@dataclass(frozen=True)
class ChunkVerdict:
    """The outcome of validating one chunk."""

    typed: pd.DataFrame  # every row, each column parsed to its contract type (NA where it failed)
    accepted: pd.DataFrame  # rows that passed the contract, coerced by it
    rejections: pd.DataFrame  # REJECTION_COLUMNS


def empty_rejections() -> pd.DataFrame:
    return pd.DataFrame({name: pd.Series(dtype=object) for name in REJECTION_COLUMNS})


def render_value(value: object) -> str | None:
    """A source value as quarantine text; None stays NULL."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    return str(value)


def render_in_key(value: object) -> str:
    """A source value inside a composite text (record key, row rule); None reads `null`."""
    text = render_value(value)
    return "null" if text is None else text


def contract_types(contract: type[RawContract]) -> dict[str, str]:
    """Column -> pandera dtype text, for the source columns the contract requires."""
    schema = contract.to_schema()
    return {name: str(column.dtype) for name, column in schema.columns.items() if column.required}


def _is_number(value: object) -> bool:
    return isinstance(value, int | float | decimal.Decimal) and not isinstance(value, bool)


def _plain_numbers(values: pd.Series, kind: str) -> pd.Series | None:
    """The values as int64 / float64 when every one is a plain int or float (no null, text,
    bool or Decimal), in one C-level conversion; None when pd.to_numeric must parse them.

    For such values both give the same numbers; pd.to_numeric parses each one.
    """
    if values.dtype != object:
        return None
    if pd.api.types.infer_dtype(values, skipna=False) not in PLAIN_NUMBER_INFERENCES[kind]:
        return None
    try:
        return values.astype(np.int64 if kind == "integer" else np.float64)
    except OverflowError:
        return None  # beyond int64: pd.to_numeric decides


def _numbers(values: pd.Series, kind: str) -> pd.Series:
    plain = _plain_numbers(values, kind)
    return plain if plain is not None else pd.to_numeric(values, errors="coerce")


def parse_column(values: pd.Series, kind: str) -> pd.Series:
    """Values parsed to `kind`; NA where a non-null value does not parse."""
    if kind == "integer":
        numbers = _numbers(values, kind)
        if pd.api.types.is_integer_dtype(numbers.dtype):
            return numbers.astype("Int64")
        whole = np.isfinite(numbers) & (numbers == np.floor(numbers))
        whole &= numbers.abs() < LARGEST_BIGINT
        return numbers.where(whole).astype("Int64")
    if kind == "decimal":
        numbers = _numbers(values, kind).astype("float64")
        return numbers.where(np.isfinite(numbers))
    if kind in ("date", "timestamp"):
        # A bare number is not a date, whatever pandas would make of 20250101. Only mixed
        # columns need the (slow) per-value look.
        if values.dtype == object and pd.api.types.infer_dtype(values, skipna=True) != "string":
            values = values.where(~values.map(_is_number))
        parsed = pd.to_datetime(values, errors="coerce", format="ISO8601", utc=True)
        parsed = parsed.dt.tz_localize(None).astype("datetime64[ns]")
        return parsed.dt.normalize() if kind == "date" else parsed
    raise ValueError(f"no parser for column kind {kind!r}")


def arrow_text(values: pd.Series) -> pyarrow.Array | None:
    """The values as an Arrow string array when every non-null one is a `str`, else None.

    The usual case (a clean text column) then runs in Arrow's C++ kernels instead of a
    Python call per value; mixed columns (bytes, numbers) take the per-value path.
    """
    if values.dtype != object:
        return None
    if pd.api.types.infer_dtype(values, skipna=True) not in ("string", "empty"):
        return None
    return pyarrow.array(values, type=pyarrow.string(), from_pandas=True)


def _mask(found: pyarrow.Array, index: pd.Index) -> pd.Series:
    return pd.Series(found.fill_null(False).to_numpy(zero_copy_only=False), index=index)


def has_utc_offset(values: pd.Series) -> pd.Series:
    """True where a text value is a time with an explicit UTC offset (or Z)."""
    if values.dtype != object:
        return pd.Series(False, index=values.index)
    text = arrow_text(values)
    if text is not None:
        return _mask(pc.match_substring_regex(text, _UTC_OFFSET), values.index)
    text = values.where(values.map(lambda value: isinstance(value, str)))
    return text.str.contains(_UTC_OFFSET, regex=True, na=False).astype(bool)


def _rejections(rows: pd.Index, rule: str, name: str, shown: list[str | None]) -> pd.DataFrame:
    return pd.DataFrame({"row": rows, "rule": rule, "column_name": name, "bad_value": shown})


def declared_text_lengths(table: str) -> dict[str, int]:
    """Column -> the length the source interface declares (`String(n)`), where it does."""
    source = SOURCE_TABLES_BY_NAME.get(table)
    if source is None:
        return {}
    return {
        column.name: column.type.length
        for column in source.table.columns
        if isinstance(column.type, sa.String) and column.type.length
    }


def _shown_text(value: object) -> str | None:
    text = render_value(value)
    if text is not None and len(text) > SHOWN_TEXT_LIMIT:
        return f"{text[:SHOWN_TEXT_LIMIT]}... ({len(text):,} characters)"
    return text


def _clean_text(values: pd.Series, limit: int | None) -> bool:
    """True when every value is a `str` (no null) of at most `limit` characters.

    The usual column, settled in two C-level passes without building an Arrow array.
    """
    if pd.api.types.infer_dtype(values, skipna=False) != "string":
        return False
    return not limit or max(map(len, values.to_numpy()), default=0) <= limit


def text_rejections(chunk: pd.DataFrame, contract: type[RawContract], table: str) -> pd.DataFrame:
    """Text values that are not UTF-8 (`invalid_utf8`) or longer than declared."""
    lengths = declared_text_lengths(table)
    found = []
    for name, dtype in contract_types(contract).items():
        if dtype != "str" or name not in chunk.columns or chunk[name].dtype != object:
            continue
        values = chunk[name]
        limit = lengths.get(name)
        if _clean_text(values, limit):
            continue
        text = arrow_text(values)
        if text is None:
            undecodable = values.map(lambda value: isinstance(value, bytes | bytearray))
            undecodable = undecodable.astype(bool)
            if undecodable.any():
                shown = [_shown_text(v) for v in values[undecodable]]
                found.append(_rejections(chunk.index[undecodable], INVALID_UTF8, name, shown))
        if limit:
            if text is not None:
                too_long = _mask(pc.greater(pc.utf8_length(text), limit), values.index)
            else:
                too_long = values.map(lambda v, n=limit: isinstance(v, str) and len(v) > n)
                too_long = too_long.astype(bool)
            if too_long.any():
                rule = f"str_length(None, {limit})"
                shown = [_shown_text(v) for v in values[too_long]]
                found.append(_rejections(chunk.index[too_long], rule, name, shown))
    return pd.concat(found, ignore_index=True) if found else empty_rejections()


def parse_types(
    chunk: pd.DataFrame, contract: type[RawContract]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Parse every typed column; return the typed frame and its `type:<kind>` rejections
    (and `timezone_offset` for dates and times that name their own zone)."""
    typed = chunk.copy()
    found = []
    for name, dtype in contract_types(contract).items():
        kind = TYPE_KINDS.get(dtype)
        if kind is None or name not in chunk.columns:
            continue  # text columns are coerced by pandera; missing ones fail the contract
        parsed = parse_column(chunk[name], kind)
        failed = parsed.isna()
        if failed.any():  # only then worth the per-value null check of the raw column
            failed &= chunk[name].notna()
        if kind in ("date", "timestamp"):
            offset = has_utc_offset(chunk[name])
            if offset.any():
                shown = [render_value(v) for v in chunk.loc[offset, name]]
                found.append(_rejections(chunk.index[offset], TIMEZONE_OFFSET, name, shown))
                parsed = parsed.mask(offset)
                failed &= ~offset
        if failed.any():
            found.append(
                pd.DataFrame(
                    {
                        "row": chunk.index[failed],
                        "rule": f"type:{kind}",
                        "column_name": name,
                        "bad_value": [render_value(v) for v in chunk.loc[failed, name]],
                    }
                )
            )
        typed[name] = parsed
    rejections = pd.concat(found, ignore_index=True) if found else empty_rejections()
    return typed, rejections


def _row_rule_rejections(failures: pd.DataFrame, chunk: pd.DataFrame, rule: str) -> pd.DataFrame:
    column_name, shown = ROW_RULE_COLUMNS.get(rule, (None, tuple(chunk.columns)))
    rows = sorted(set(failures["index"].astype(int)))
    return pd.DataFrame(
        {
            "row": rows,
            "rule": rule,
            "column_name": column_name,
            "bad_value": [
                ", ".join(f"{c}={render_in_key(chunk.at[row, c])}" for c in shown) for row in rows
            ],
        }
    )


def contract_rejections(
    failure_cases: pd.DataFrame, chunk: pd.DataFrame, table: str
) -> pd.DataFrame:
    """pandera failure cases -> rejections; failures not tied to a row are structural errors."""
    unplaced = failure_cases[failure_cases["index"].isna()]
    if not unplaced.empty:
        first = unplaced.iloc[0]
        raise ContractStructureError(
            f"raw contract for {table}: check {first['check']} failed on column "
            f"{first['column']} as a whole ({first['failure_case']}); the source table does "
            "not have the columns or types of orchestration/ingest/source_tables.py"
        )
    parts = []
    row_level = failure_cases["schema_context"] == "DataFrameSchema"
    for rule, failures in failure_cases[row_level].groupby("check", sort=False):
        parts.append(_row_rule_rejections(failures, chunk, str(rule)))
    columns = failure_cases[~row_level]
    if not columns.empty:
        rows = columns["index"].astype(int).to_numpy()
        names = columns["column"].to_numpy()
        parts.append(
            pd.DataFrame(
                {
                    "row": rows,
                    "rule": [RULE_NAMES.get(c, c) for c in columns["check"].astype(str)],
                    "column_name": names,
                    "bad_value": [
                        render_value(chunk.at[r, n]) for r, n in zip(rows, names, strict=True)
                    ],
                }
            )
        )
    return pd.concat(parts, ignore_index=True) if parts else empty_rejections()


def validate_chunk(chunk: pd.DataFrame, contract: type[RawContract], table: str) -> ChunkVerdict:
    """Type-parse then contract-check one chunk of raw values (index = row position)."""
    typed, type_rejections = parse_types(chunk, contract)
    type_rejections = pd.concat(
        [r for r in (type_rejections, text_rejections(chunk, contract, table)) if not r.empty]
        or [empty_rejections()],
        ignore_index=True,
    )
    if not type_rejections.empty:
        typed_rows = typed.drop(index=pd.unique(type_rejections["row"]))
    else:
        typed_rows = typed
    parsed_rows = in_contract_types(typed_rows, contract)
    try:
        accepted = _validate(contract, parsed_rows)
        rejections = type_rejections
    except pa.errors.SchemaErrors as errors:
        found = contract_rejections(errors.failure_cases, chunk, table)
        # Every failure names its row and the checks are per row: the rest passed, and only
        # need the contract's coercion (done already, unless the contract coerces itself).
        accepted = parsed_rows.drop(index=pd.unique(found["row"]))
        if _checks_schema(contract).coerce:
            accepted = contract.to_schema().coerce_dtype(accepted)
        rejections = pd.concat([type_rejections, found], ignore_index=True)
    return ChunkVerdict(typed=typed, accepted=accepted, rejections=rejections)


def _as_text(values: pd.Series) -> pd.Series:
    """pandera's coercion to `str`: every non-null value through str(), nulls kept."""
    if pd.api.types.infer_dtype(values, skipna=True) in ("string", "empty"):
        return values  # what the coercion would return
    values = values.astype(object)
    if values.notna().all():
        return values.astype(str)
    return values.where(values.isna(), values.astype(str))


def in_contract_types(typed: pd.DataFrame, contract: type[RawContract]) -> pd.DataFrame:
    """Parsed rows coerced to the contract's dtypes exactly as pandera's coercion would.

    Type parsing already made numbers and timestamps their contract dtype; text and dates
    are coerced here, in bulk.
    """
    coerced = typed.copy(deep=False)
    for name, dtype in contract_types(contract).items():
        if name not in coerced.columns:
            continue  # the contract reports the missing column
        if dtype == "str":
            column = coerced[name]
            text = _as_text(column)
            if text is not column:  # setting a column copies it: only when it changed
                coerced[name] = text
        elif dtype == "date":
            coerced[name] = coerced[name].dt.date.astype(object)
    return coerced


@functools.cache
def _checks_schema(contract: type[RawContract]) -> pa.DataFrameSchema:
    """The contract's schema for frames already in its types (`in_contract_types`).

    Same columns and checks, without coercion, and without the dtype check of text and
    date columns: that one calls Python once per value, and coerced values always pass it.
    """
    schema = contract.to_schema()
    if not set(contract_types(contract).values()) <= {*TYPE_KINDS, *PER_VALUE}:
        return schema  # a dtype type parsing does not produce: pandera coerces it
    per_value = [n for n, column in schema.columns.items() if str(column.dtype) in PER_VALUE]
    checks_only = schema.update_columns({name: {"dtype": None} for name in per_value})
    checks_only.coerce = False
    return checks_only


def _validate(contract: type[RawContract], frame: pd.DataFrame) -> pd.DataFrame:
    with warnings.catch_warnings():
        # pandera's own failure-case concat warns about a pandas change; nothing to act on.
        warnings.simplefilter("ignore", FutureWarning)
        schema = _checks_schema(contract)
        # A checks-only schema changes nothing in `frame`: no need for pandera's copy.
        return schema.validate(frame, lazy=True, inplace=not schema.coerce)
