"""Each published table's and column's description, where a BI tool reads it.

The descriptions are written once, in the registry (`models/registry/published/`). The
store gets them as DuckDB table and column comments (`information_schema.tables
.table_comment`, `information_schema.columns.column_comment`), the Parquet files as key-value
metadata (`description`, `column.<name>`), and the server target as comments (in
`server_target.server_table`).
"""

from __future__ import annotations

import duckdb

from models.registry.published import PUBLISHED_TABLES


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def column_descriptions(table: str, columns: list[str]) -> dict[str, str]:
    """The registry's description of each of `columns` of `table` that it documents."""
    entry = PUBLISHED_TABLES.get(table)
    if entry is None:
        return {}
    described = {column.name: column.description for column in entry.columns}
    return {name: described[name] for name in columns if name in described}


def comment_store_table(connection: duckdb.DuckDBPyConnection, table: str) -> None:
    """Write the registry's comments on `main.<table>` and its columns."""
    entry = PUBLISHED_TABLES.get(table)
    if entry is None:
        return
    connection.execute(f"comment on table main.{table} is {_literal(entry.description)}")
    columns = [
        name
        for (name,) in connection.execute(
            "select column_name from information_schema.columns"
            " where table_catalog = current_database() and table_schema = 'main'"
            " and table_name = ?",
            [table],
        ).fetchall()
    ]
    for name, description in column_descriptions(table, columns).items():
        connection.execute(f'comment on column main.{table}."{name}" is {_literal(description)}')


def parquet_metadata_option(table: str, columns: list[str]) -> str:
    """`, kv_metadata {...}` for a COPY of `columns` of `table` (empty when undocumented)."""
    entry = PUBLISHED_TABLES.get(table)
    if entry is None:
        return ""
    pairs = {"description": entry.description} | {
        f"column.{name}": description
        for name, description in column_descriptions(table, columns).items()
    }
    listed = ", ".join(f"{_literal(key)}: {_literal(value)}" for key, value in pairs.items())
    return f", kv_metadata {{{listed}}}"
