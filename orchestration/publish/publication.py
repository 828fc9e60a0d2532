"""`rpt_publication`: one row per publish, kept as a log across publishes.

Each publish carries the previous rows over from the served store and appends its own,
so BI tools see what was published when, from which source watermarks and behind which
checks. `row_counts` covers every other `rpt_*` table of the same file: a reader can
verify it holds one complete version.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path

import duckdb

from models.registry.published.publication import RPT_PUBLICATION

PUBLICATION_TABLE = RPT_PUBLICATION.name
WATERMARKS_TABLE = "raw.load_watermarks"

# Column -> DuckDB type, from the registry entry (models/registry/published/publication.py).
PUBLICATION_COLUMNS: dict[str, str] = {
    column.name: column.data_type.upper() for column in RPT_PUBLICATION.columns
}

# What a caller may set; the rest is computed from what is published.
CALLER_FIELDS = ("run_id", "as_of_date")


@dataclass(frozen=True)
class PublicationRecord:
    publication_number: int
    publication_id: str
    published_at: datetime
    quarters: list[str]
    as_of_date: date | None
    source_watermarks: dict[str, dict[str, str | None]]
    row_counts: dict[str, int]
    checks_passed: list[str]
    run_id: str | None

    def as_row(self) -> dict[str, object]:
        return {
            "publication_number": self.publication_number,
            "publication_id": self.publication_id,
            "published_at": self.published_at,
            "quarters": ",".join(self.quarters),
            "as_of_date": self.as_of_date,
            "source_watermarks": json.dumps(self.source_watermarks, sort_keys=True),
            "row_counts": json.dumps(self.row_counts, sort_keys=True),
            "checks_passed": json.dumps(self.checks_passed),
            "checks_passed_count": len(self.checks_passed),
            "run_id": self.run_id,
        }


def caller_fields(publication_row: Mapping[str, object] | None) -> dict[str, object]:
    """Validate the caller's part of the record (`run_id`, `as_of_date`)."""
    fields = dict(publication_row or {})
    unknown = sorted(set(fields) - set(CALLER_FIELDS))
    if unknown:
        raise ValueError(
            f"publication row has unknown field(s) {unknown}: only {list(CALLER_FIELDS)} "
            f"can be set, the other {PUBLICATION_TABLE} columns are computed"
        )
    as_of = fields.get("as_of_date")
    if isinstance(as_of, str):
        fields["as_of_date"] = date.fromisoformat(as_of)
    return fields


def _table_exists(
    connection: duckdb.DuckDBPyConnection, catalog: str, schema: str, table: str
) -> bool:
    row = connection.execute(
        "select count(*) from information_schema.tables "
        "where table_catalog = ? and table_schema = ? and table_name = ?",
        [catalog, schema, table],
    ).fetchone()
    return bool(row and row[0])


def table_columns(
    connection: duckdb.DuckDBPyConnection, catalog: str, schema: str, table: str
) -> dict[str, str]:
    rows = connection.execute(
        "select column_name, data_type from information_schema.columns "
        "where table_catalog = ? and table_schema = ? and table_name = ? order by ordinal_position",
        [catalog, schema, table],
    ).fetchall()
    return {name: kind for name, kind in rows}


def source_watermarks(
    connection: duckdb.DuckDBPyConnection, warehouse_catalog: str
) -> dict[str, dict[str, str | None]]:
    """Newest watermark and its batch per source table, if ingestion keeps that table."""
    schema, table = WATERMARKS_TABLE.split(".")
    if not _table_exists(connection, warehouse_catalog, schema, table):
        return {}
    rows = connection.execute(
        "select source_table, cast(max(watermark) as varchar), "
        "cast(arg_max(batch_id, watermark) as varchar) "
        f"from {warehouse_catalog}.{WATERMARKS_TABLE} group by source_table order by source_table"
    ).fetchall()
    return {name: {"watermark": mark, "batch_id": batch} for name, mark, batch in rows}


def create_publication_log(
    connection: duckdb.DuckDBPyConnection, previous_store: Path | None, draft: PublicationRecord
) -> PublicationRecord:
    """Create `main.rpt_publication` in the new store: previous rows, then this publish.

    The draft's `publication_number` is replaced by the log's length + 1.
    """
    column_sql = ", ".join(f"{name} {kind}" for name, kind in PUBLICATION_COLUMNS.items())
    connection.execute(f"create table main.{PUBLICATION_TABLE} ({column_sql})")
    next_number = 1
    if previous_store is not None and previous_store.exists():
        # ATTACH, not duckdb.connect: connect() would hand back a database instance this
        # process may still hold open on the *replaced* file and lose the newest rows.
        connection.execute(f"attach '{previous_store}' as previous_store (read_only)")
        try:
            if _table_exists(connection, "previous_store", "main", PUBLICATION_TABLE):
                old_columns = table_columns(connection, "previous_store", "main", PUBLICATION_TABLE)
                shared = [name for name in PUBLICATION_COLUMNS if name in old_columns]
                names = ", ".join(shared)
                connection.execute(
                    f"insert into main.{PUBLICATION_TABLE} ({names}) "
                    f"select {names} from previous_store.main.{PUBLICATION_TABLE}"
                )
                (count, top) = connection.execute(
                    f"select count(*), max(publication_number) from main.{PUBLICATION_TABLE}"
                ).fetchone()
                next_number = max(count, top or 0) + 1
        finally:
            connection.execute("detach previous_store")
    record = replace(draft, publication_number=next_number)
    row = record.as_row()
    placeholders = ", ".join("?" for _ in row)
    connection.execute(
        f"insert into main.{PUBLICATION_TABLE} ({', '.join(row)}) values ({placeholders})",
        list(row.values()),
    )
    return record


def latest_publication(connection: duckdb.DuckDBPyConnection) -> dict[str, object] | None:
    """The newest `rpt_publication` row of an open store, JSON columns decoded."""
    cursor = connection.execute(
        f"select * from {PUBLICATION_TABLE} order by publication_number desc limit 1"
    )
    row = cursor.fetchone()
    if row is None:
        return None
    record = dict(zip([column[0] for column in cursor.description], row, strict=True))
    for name in ("source_watermarks", "row_counts", "checks_passed"):
        if isinstance(record.get(name), str):
            record[name] = json.loads(record[name])
    return record
