"""The reporting store: `rpt_*` tables copied out of the warehouse into their own file.

Readers never see a half-written store. A publish, holding the publish lock:

1. refuses to start when a gating check failed (`gate.require_checks_passed`);
2. removes what a killed publish left behind (`.reporting.duckdb.*.tmp`, Parquet staging);
3. builds the new store in `.reporting.duckdb.<id>.tmp` beside the served file: every
   `reporting.rpt_*` table of the warehouse plus `rpt_publication` (the old log + a row);
   CHECKPOINT, close;
4. runs the gates on the new file (great-expectations, personal-data scan); a failure
   deletes it;
5. writes the Parquet version from the new file (not yet served);
6. `os.replace`s the new file over `reporting.duckdb` (atomic on one filesystem), then
   swaps the Parquet link; only then
7. replaces the tables in the optional server target, in one transaction.

Everything before step 6 leaves the served store and Parquet untouched, whatever fails or
is killed. A kill between the two swaps of step 6 leaves the new store with the previous
Parquet version for one publish; both carry `rpt_publication`, so it shows. The server
target comes last because it is a mirror: if it fails, the file store is already
published, the server keeps its previous version (rolled back) and the error says so.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb

from orchestration.locks import exclusive_file_lock
from orchestration.publish.comments import comment_store_table
from orchestration.publish.gate import CheckOutcome, passed_check_names, require_checks_passed
from orchestration.publish.parquet import (
    discard_staged_parquet,
    remove_stale_parquet_files,
    stage_parquet,
    swap_in_parquet,
)
from orchestration.publish.publication import (
    PUBLICATION_TABLE,
    PublicationRecord,
    caller_fields,
    create_publication_log,
    source_watermarks,
    table_columns,
)
from orchestration.publish.server_target import ServerPublication, replace_server_tables
from orchestration.settings import Settings
from orchestration.warehouse import warehouse_lock

REPORTING_SCHEMA = "reporting"
WAREHOUSE_ALIAS = "warehouse"

# A gate inspects the finished new store file and raises to stop the publish.
StoreGate = Callable[[Path], None]


class PublishBusyError(RuntimeError):
    """Another publish holds the publish lock."""


@dataclass(frozen=True)
class Publication:
    path: Path
    parquet_dir: Path
    publication_id: str = ""
    publication_number: int = 0
    row_counts: dict[str, int] = field(default_factory=dict)
    quarters: list[str] = field(default_factory=list)
    checks_passed: list[str] = field(default_factory=list)
    server: ServerPublication | None = None


def staging_file_pattern(target: Path) -> str:
    """Glob for the new-store files a publish writes beside `target` (and their WALs)."""
    return f".{target.name}.*.tmp*"


def remove_stale_temp_files(settings: Settings) -> list[Path]:
    """Delete what killed publishes left. Only call while holding the publish lock."""
    target = settings.reporting_path
    removed = []
    for path in target.parent.glob(staging_file_pattern(target)):
        path.unlink(missing_ok=True)
        removed.append(path)
    removed.extend(remove_stale_parquet_files(settings.parquet_dir))
    return removed


@contextmanager
def publish_lock(settings: Settings, timeout_seconds: float = 120.0) -> Iterator[None]:
    """One publish at a time per reporting store (readers never take it)."""
    target = settings.reporting_path

    def busy(holder: str) -> PublishBusyError:
        return PublishBusyError(
            f"another publish of {target} is running ({holder}); waited "
            f"{timeout_seconds:.0f}s. Try again when it finishes."
        )

    with exclusive_file_lock(
        target.with_name(f".{target.name}.publish.lock"), timeout_seconds, busy
    ):
        yield


def warehouse_reporting_tables(connection: duckdb.DuckDBPyConnection, catalog: str) -> list[str]:
    rows = connection.execute(
        "select table_name from information_schema.tables "
        "where table_catalog = ? and table_schema = ? and table_name like 'rpt\\_%' escape '\\' "
        "order by table_name",
        [catalog, REPORTING_SCHEMA],
    ).fetchall()
    return [name for (name,) in rows if name != PUBLICATION_TABLE]


def _newest_as_of_date(
    connection: duckdb.DuckDBPyConnection, catalog: str, tables: Sequence[str]
) -> date | None:
    newest = None
    for table in tables:
        if "as_of_date" in table_columns(connection, catalog, "main", table):
            (value,) = connection.execute(f"select max(as_of_date) from main.{table}").fetchone()
            if isinstance(value, datetime):
                value = value.date()
            if value is not None and (newest is None or value > newest):
                newest = value
    return newest


def build_store_file(
    settings: Settings,
    destination: Path,
    publication_id: str,
    publication_row: Mapping[str, object] | None = None,
    checks: Sequence[CheckOutcome] = (),
) -> PublicationRecord:
    """Write a complete store to `destination` (a new file): warehouse `reporting.rpt_*`
    tables plus `rpt_publication`; checkpointed and closed on return."""
    fields = caller_fields(publication_row)
    connection = duckdb.connect(str(destination))
    try:
        connection.execute("set memory_limit = ?", [settings.warehouse_memory_limit])
        catalog = connection.execute("select current_database()").fetchone()[0]
        with warehouse_lock(settings):
            if not settings.warehouse_path.exists():
                raise FileNotFoundError(
                    f"warehouse {settings.warehouse_path} does not exist: run the pipeline for a "
                    "quarter before publishing"
                )
            connection.execute(
                f"attach '{settings.warehouse_path}' as {WAREHOUSE_ALIAS} (read_only)"
            )
            tables = warehouse_reporting_tables(connection, WAREHOUSE_ALIAS)
            if not tables:
                raise RuntimeError(
                    f"no rpt_* tables in schema {REPORTING_SCHEMA} of {settings.warehouse_path}: "
                    "run the pipeline for a quarter before publishing"
                )
            row_counts: dict[str, int] = {}
            quarters: set[str] = set()
            for table in tables:
                connection.execute(
                    f"create table main.{table} as "
                    f"select * from {WAREHOUSE_ALIAS}.{REPORTING_SCHEMA}.{table}"
                )
                comment_store_table(connection, table)
                row_counts[table] = connection.execute(
                    f"select count(*) from main.{table}"
                ).fetchone()[0]
                if "quarter" in table_columns(connection, catalog, "main", table):
                    quarters.update(
                        str(q)
                        for (q,) in connection.execute(
                            f"select distinct quarter from main.{table} where quarter is not null"
                        ).fetchall()
                    )
            watermarks = source_watermarks(connection, WAREHOUSE_ALIAS)
            connection.execute(f"detach {WAREHOUSE_ALIAS}")
        draft = PublicationRecord(
            publication_number=0,
            publication_id=publication_id,
            published_at=datetime.now(UTC).replace(tzinfo=None),
            quarters=sorted(quarters),
            as_of_date=fields.get("as_of_date") or _newest_as_of_date(connection, catalog, tables),
            source_watermarks=watermarks,
            row_counts=dict(sorted(row_counts.items())),
            checks_passed=passed_check_names(checks),
            run_id=fields.get("run_id"),
        )
        record = create_publication_log(connection, settings.reporting_path, draft)
        comment_store_table(connection, PUBLICATION_TABLE)
        connection.execute("checkpoint")
    finally:
        connection.close()
    return record


def _fsync_directory(folder: Path) -> None:
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def swap_in_store(new_store: Path, target: Path) -> None:
    """Move a finished store over the served one: readers see the old or the new file."""
    os.chmod(new_store, 0o644)
    os.replace(new_store, target)
    _fsync_directory(target.parent)  # the rename survives a power cut


def publish_reporting_store(
    settings: Settings,
    publication_row: Mapping[str, object] | None = None,
    *,
    checks: Sequence[CheckOutcome] = (),
    gates: Sequence[StoreGate] = (),
) -> Publication:
    """Publish the warehouse's `reporting.rpt_*` tables (see the module docstring).

    `publication_row` may set `run_id` and `as_of_date`; `checks` are the checks that gate
    this publish (any failed blocking one refuses it, raising `PublishBlockedError`);
    `gates` inspect the new file before it is swapped in and raise to stop.
    """
    require_checks_passed(checks)
    target = settings.reporting_path
    with publish_lock(settings):
        remove_stale_temp_files(settings)
        publication_id = uuid.uuid4().hex
        new_store = target.with_name(f".{target.name}.{publication_id}.tmp")
        staged_parquet: Path | None = None
        try:
            record = build_store_file(settings, new_store, publication_id, publication_row, checks)
            for gate in gates:
                gate(new_store)
            staged_parquet = stage_parquet(
                new_store, settings.parquet_dir, f"{record.publication_number:06d}-{publication_id}"
            )
            swap_in_store(new_store, target)
        except BaseException:
            for leftover in target.parent.glob(f".{target.name}.{publication_id}.tmp*"):
                leftover.unlink(missing_ok=True)
            discard_staged_parquet(staged_parquet)
            raise
        swap_in_parquet(staged_parquet, settings.parquet_dir)
        server = None
        if settings.reporting_database_url:
            server = replace_server_tables(target, settings.reporting_database_url)
    return Publication(
        path=target,
        parquet_dir=settings.parquet_dir,
        publication_id=publication_id,
        publication_number=record.publication_number,
        row_counts=record.row_counts,
        quarters=record.quarters,
        checks_passed=record.checks_passed,
        server=server,
    )
