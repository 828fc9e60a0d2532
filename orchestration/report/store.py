"""Read the published reporting store for the report, tolerating tables not built yet."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import duckdb

from orchestration.settings import Settings
from orchestration.store_reader import open_store_read_only, store_columns, store_tables


class ReportStoreMissing(Exception):
    """The published store does not exist yet: nothing has been published."""


class PublishedStore:
    """A read-only view of `reporting.duckdb` that knows which tables and columns it holds."""

    def __init__(self, connection: duckdb.DuckDBPyConnection, path: Path) -> None:
        self.connection = connection
        self.path = path
        self.tables = set(store_tables(connection))
        self._columns: dict[str, set[str]] = {}

    def columns(self, table: str) -> set[str]:
        if table not in self.tables:
            return set()
        if table not in self._columns:
            self._columns[table] = {name for name, _ in store_columns(self.connection, table)}
        return self._columns[table]

    def has(self, table: str, columns: Sequence[str] = ()) -> bool:
        """True when `table` is published with every one of `columns`."""
        return table in self.tables and set(columns) <= self.columns(table)

    def missing_columns(self, table: str, columns: Sequence[str]) -> list[str]:
        return sorted(set(columns) - self.columns(table))

    def rows(self, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        result = self.connection.execute(sql, list(params))
        names = [column[0] for column in result.description]
        return [dict(zip(names, row, strict=True)) for row in result.fetchall()]

    def quarters(self) -> list[str]:
        """Quarters with a published target tree, oldest first."""
        if not self.has("rpt_target_tree", ["quarter"]):
            return []
        return [
            row["quarter"]
            for row in self.rows("select distinct quarter from rpt_target_tree order by quarter")
        ]

    def latest_publication(self) -> dict[str, Any] | None:
        wanted = ["published_at", "as_of_date"]
        if not self.has("rpt_publication", wanted):
            return None
        order = (
            "publication_number desc"
            if "publication_number" in self.columns("rpt_publication")
            else "published_at desc"
        )
        rows = self.rows(f"select * from rpt_publication order by {order} limit 1")
        return rows[0] if rows else None


def missing_store_message(path: Path) -> str:
    return (
        f"reporting store {path} does not exist yet: run `make demo` (or `sales-targets run "
        "--quarter YYYYQn`) to publish it first"
    )


@contextmanager
def published_store(settings: Settings) -> Iterator[PublishedStore]:
    """Open `settings.reporting_path` read-only; `ReportStoreMissing` if never published."""
    path = settings.reporting_path
    if not path.exists():
        raise ReportStoreMissing(missing_store_message(path))
    connection = open_store_read_only(path)
    try:
        yield PublishedStore(connection, path)
    finally:
        connection.close()
