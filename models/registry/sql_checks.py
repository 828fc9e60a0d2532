"""A registry column's checks as SQL: the same rules the pandera field states, for DuckDB.

Ingestion screens each chunk with these in the warehouse (`orchestration/ingest/screen.py`):
a row passing every SQL check and row rule goes straight to `raw.<table>`; any other row
goes to its pandera contract, which names the rule it breaks. So the SQL must never pass a
row the contract rejects. Where a check has no SQL spelling that is certain to agree
(a regular expression using syntax where DuckDB's RE2 and Python's `re` differ),
`column_holds` returns None and the screen sends every row of that table to pandera.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from models.registry.schema import Column, RowRule, Table

_BOUNDS = {"ge": ">=", "gt": ">", "le": "<=", "lt": "<"}
# Regular expression syntax where RE2 (DuckDB) could match text Python's `re` does not:
# negated classes, look-arounds, back-references, word boundaries. Without them, every
# class and anchor of RE2 takes at most what Python's takes (\d is ASCII digits in RE2,
# any Unicode digit in Python; $ is the very end in RE2, also before a final newline in
# Python), so an RE2 match is a Python match.
RE2_MAY_ACCEPT_MORE = ("\\D", "\\W", "\\S", "\\b", "\\B", "[^", "(?=", "(?!", "(?<", "(?P", "\\1")


def quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def literal(value: object) -> str:
    """A check's bound or allowed value as a DuckDB literal."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, pd.Timestamp | dt.datetime):
        return f"TIMESTAMP '{pd.Timestamp(value).isoformat(sep=' ')}'"
    if isinstance(value, dt.date):
        return f"DATE '{value.isoformat()}'"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return "'" + value.replace("'", "''") + "'"
    raise TypeError(f"no SQL literal for {value!r}")


def column_holds(column: Column, value: str, declared_length: int | None = None) -> str | None:
    """SQL true where `value` (the column's typed value) passes every check of `column`:
    not null unless nullable, allowed values, bounds, lengths. A null passes the checks
    themselves, as in pandera. None: a check without a certain SQL spelling.

    `declared_length` is the source's VARCHAR(n). It counts bytes (`strlen`), which are
    never fewer than the characters pandera counts: a value at most n bytes long is at
    most n characters long.
    """
    checks: list[str] = []
    if column.pattern is not None:
        if any(token in column.pattern for token in RE2_MAY_ACCEPT_MORE):
            return None
        # re.match anchors at the start only; RE2's \d and $ take less than Python's
        checks.append(f"regexp_matches({value}, {literal('^(?:' + column.pattern + ')')})")
    if column.isin is not None:
        checks.append(f"{value} in ({', '.join(literal(v) for v in column.isin)})")
    for name, operator in _BOUNDS.items():
        bound = getattr(column, name)
        if bound is not None:
            checks.append(f"{value} {operator} {literal(bound)}")
    if column.min_length is not None:
        checks.append(f"length({value}) >= {column.min_length}")
    if column.startswith is not None:
        checks.append(f"starts_with({value}, {literal(column.startswith)})")
    if declared_length:
        checks.append(f"strlen({value}) <= {declared_length}")
    if column.is_decimal or column.data_type == "double":
        checks.append(f"isfinite({value})")
    held = " and ".join(checks) if checks else "true"
    if column.nullable:
        return f"({value} is null or ({held}))"
    return f"({value} is not null and {held})"


def row_rule_holds(rule: RowRule) -> str | None:
    """SQL true where a row holds `rule`, over its typed columns; None if it has no SQL."""
    return f"coalesce({rule.sql}, false)" if rule.sql is not None else None


def table_holds(table: Table, values: dict[str, str] | None = None) -> str | None:
    """SQL true where a row passes every column check and row rule of `table`; None when
    one has no SQL spelling. `values` maps a column to the SQL of its value (default: the
    quoted column name)."""
    values = values or {}
    held = [column_holds(c, values.get(c.name, quote(c.name))) for c in table.columns]
    held += [row_rule_holds(rule) for rule in table.row_rules]
    if None in held or any(column.unique for column in table.columns):
        return None  # a single-column `unique` spans rows: not a row rule
    return " and ".join(held) if held else "true"
