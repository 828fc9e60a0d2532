"""The registry's vocabulary: a column, a table-level row rule and a table.

A `Column` is defined once, with its type, description and checks; every representation of
it (pandera field, dbt YAML column, GX expectations, server-target column) derives from it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

# dbt `data_type` (DuckDB) -> how pandas holds it after coercion.
PANDAS_TYPES: dict[str, object] = {
    "varchar": str,
    "integer": pd.Int64Dtype,
    "bigint": pd.Int64Dtype,
    "double": float,
    "date": "date",
    "timestamp": "datetime",
    "boolean": bool,
}


def names(text: str) -> tuple[str, ...]:
    """Column names written as one space-separated string: names("quarter node_id")."""
    return tuple(text.split())


def relationship(model: str, field: str) -> dict[str, object]:
    """The dbt test that every non-null value is a `field` of `model`: a foreign key."""
    return {"relationships": {"arguments": {"to": f"ref('{model}')", "field": field}}}


@dataclass(frozen=True)
class Column:
    """One column: name, DuckDB type, description and the values it may hold."""

    name: str
    data_type: str  # as dbt's contract and DuckDB spell it, e.g. decimal(22,6)
    description: str
    nullable: bool = False
    isin: tuple[object, ...] | None = None
    ge: object | None = None  # a number, or a date for date and timestamp columns
    gt: object | None = None
    le: object | None = None
    lt: object | None = None
    pattern: str | None = None  # regular expression every value matches
    min_length: int | None = None
    startswith: str | None = None
    length: int | None = None  # the source's VARCHAR length, where a source declares one
    unique: bool = False  # unique on its own (a table's compound key is `Table.key`)
    personal_data: bool = False  # names, emails, phones of customers: never published
    dbt_tests: tuple[dict, ...] = ()  # further dbt column tests, as written in the YAML

    def but(self, **changes: object) -> Column:
        """This column with some attributes changed (a table-specific variant)."""
        return dataclasses.replace(self, **changes)

    @property
    def is_decimal(self) -> bool:
        return self.data_type.startswith("decimal")

    @property
    def pandas_type(self) -> object:
        if self.is_decimal:
            return float
        if self.data_type == "boolean" and self.nullable:
            return pd.BooleanDtype
        return PANDAS_TYPES[self.data_type]


@dataclass(frozen=True)
class RowRule:
    """A rule across the columns of a row: `check(frame)` is True where a row holds."""

    name: str
    check: Callable[[pd.DataFrame], pd.Series]
    # (later, earlier): the rule is "later >= earlier where both are set", which GX checks too
    ordered_pair: tuple[str, str] | None = None
    # The same rule as a DuckDB boolean over the typed columns, where it has one: ingestion
    # screens chunks with it (`models/registry/sql_checks.py`), pandera names the failures.
    sql: str | None = None


@dataclass(frozen=True)
class Table:
    """One table: its columns in order, its key, its description and its row rules."""

    name: str
    description: str
    columns: tuple[Column, ...]
    key: tuple[str, ...] = ()
    row_rules: tuple[RowRule, ...] = ()
    # The columns BI users rely on: GX requires them.
    promised: tuple[str, ...] = ()
    # The columns the quarter report reads, where they are not the promised ones.
    report_columns: tuple[str, ...] = ()
    built_by_dbt: bool = True
    # dbt enforces the column names and types at build time (a `contract` in the YAML).
    contract_enforced: bool = True
    # Only the columns listed are documented (a mart without a pandera contract yet).
    documents_every_column: bool = True

    def __post_init__(self) -> None:
        names = self.column_names
        unknown = [n for n in (*self.key, *self.promised, *self.report_columns) if n not in names]
        if unknown or len(set(names)) != len(names):
            raise ValueError(f"registry table {self.name}: unknown or repeated columns {unknown}")

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(column.name for column in self.columns)

    @property
    def read_by_report(self) -> tuple[str, ...]:
        """What the quarter report needs of this table (extra columns are fine)."""
        return self.report_columns or self.promised

    def column(self, name: str) -> Column:
        for column in self.columns:
            if column.name == name:
                return column
        raise KeyError(f"registry table {self.name} has no column {name}")
