"""pandera contracts built from registry tables, as `DataFrameModel` classes.

A built class is what a hand-written one was: strict (exactly the registry's columns),
coercing, its key as `Config.unique` (checked in SQL over whole tables), each row rule a
named `dataframe_check`, so a failure names the table's class, the column and the rule.
"""

from __future__ import annotations

import pandera.pandas as pa
from pandera.typing import Series

from models.registry.schema import Column, RowRule, Table

_ANNOTATIONS = {"date": pa.typing.Date, "datetime": pa.typing.DateTime}


def pandera_field(column: Column) -> pa.Field:
    checks: dict[str, object] = {}
    if column.isin is not None:
        checks["isin"] = list(column.isin)
    for name in ("ge", "gt", "le", "lt"):
        if getattr(column, name) is not None:
            checks[name] = getattr(column, name)
    if column.pattern is not None:
        checks["str_matches"] = column.pattern
    if column.min_length is not None:
        checks["str_length"] = {"min_value": column.min_length}
    if column.startswith is not None:
        checks["str_startswith"] = column.startswith
    return pa.Field(
        nullable=column.nullable, unique=column.unique, description=column.description, **checks
    )


def _annotation(column: Column) -> object:
    kind = column.pandas_type
    return Series[_ANNOTATIONS.get(kind, kind)] if isinstance(kind, str) else Series[kind]


def _row_check(rule: RowRule):
    def check(cls, frame):
        return rule.check(frame)

    check.__name__ = rule.name
    return pa.dataframe_check(name=rule.name)(classmethod(check))


def class_name(table: Table) -> str:
    """rpt_customer_kpis -> RptCustomerKpis."""
    return "".join(part.capitalize() for part in table.name.split("_"))


# Each built contract's registry table: the SQL screen of a warehouse table reads its rules.
_REGISTRY_TABLES: dict[type[pa.DataFrameModel], Table] = {}


def registry_table(model: type[pa.DataFrameModel]) -> Table | None:
    """The registry table a contract was built from (None for a hand-written contract)."""
    return _REGISTRY_TABLES.get(model)


def contract_model(
    table: Table, base: type[pa.DataFrameModel], key_is_unique: bool = True
) -> type[pa.DataFrameModel]:
    """The pandera contract of `table`: `base` gives the shared Config (strict, coerce).

    `key_is_unique=False` where rows may repeat a key (raw version logs: the loader
    quarantines duplicates of one batch itself).
    """
    namespace: dict[str, object] = {
        "__doc__": table.description,
        "__module__": base.__module__,
        "__annotations__": {column.name: _annotation(column) for column in table.columns},
        "Config": type(
            "Config", (), {"unique": (list(table.key) or None) if key_is_unique else None}
        ),
    }
    for column in table.columns:
        namespace[column.name] = pandera_field(column)
    for rule in table.row_rules:
        namespace[rule.name] = _row_check(rule)
    model = type(class_name(table), (base,), namespace)
    _REGISTRY_TABLES[model] = table
    return model
