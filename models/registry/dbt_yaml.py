"""The dbt YAML of a registry table: model description, contract, key test and columns.

Generated, never edited: `python -m models.registry.generate` writes it and a test fails
when a file is out of date. Only what a registry table states goes in (dbt-core 1.11 form:
generic test arguments under `arguments:`).
"""

from __future__ import annotations

import yaml

from models.registry.schema import Column, Table

GENERATED_HEADER = (
    "# GENERATED from models/registry by `python -m models.registry.generate`: do not edit.\n"
    "# Change the table or column in models/registry/ and run the command again.\n"
)


# The contract's text type in a spelling every engine takes: Spark rejects a bare `varchar`
# (it needs a length); DuckDB reads `string` as VARCHAR.
PORTABLE_TYPES = {"varchar": "string"}


def column_entry(column: Column, enforced: bool = True, is_key: bool = False) -> dict[str, object]:
    """A column block. Under an enforced contract a required column gets dbt's not-null
    constraint, which DuckDB enforces as the table is written; a `not_null` test would only
    check it again (dbt's advice), so it gets the test only where nothing enforces it."""
    entry: dict[str, object] = {
        "name": column.name,
        "description": column.description,
        "data_type": PORTABLE_TYPES.get(column.data_type, column.data_type),
    }
    tests: list[object] = []
    if not column.nullable:
        if enforced:
            entry["constraints"] = [{"type": "not_null"}]
        else:
            tests.append("not_null")
    if column.unique or is_key:
        tests.append("unique")
    if column.isin is not None:
        tests.append({"accepted_values": {"arguments": {"values": list(column.isin)}}})
    tests.extend(column.dbt_tests)
    if tests:
        entry["data_tests"] = tests
    return entry


def model_entry(table: Table) -> dict[str, object]:
    entry: dict[str, object] = {"name": table.name, "description": table.description}
    if table.contract_enforced:
        entry["config"] = {"contract": {"enforced": True}}
    if len(table.key) > 1:
        entry["data_tests"] = [
            {
                "unique_combination_of_columns": {
                    "arguments": {"combination_of_columns": list(table.key)}
                }
            }
        ]
    single_key = table.key[0] if len(table.key) == 1 else None
    entry["columns"] = [
        column_entry(column, table.contract_enforced, column.name == single_key)
        for column in table.columns
    ]
    return entry


def models_yaml(tables: list[Table]) -> str:
    """The text of one properties file holding `tables`."""
    body = {"version": 2, "models": [model_entry(table) for table in tables]}
    return GENERATED_HEADER + yaml.safe_dump(body, sort_keys=False, width=100, allow_unicode=True)
