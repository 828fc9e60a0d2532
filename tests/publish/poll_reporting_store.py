"""A reader that polls the published store and its Parquet copy, as a BI tool would.

Importable (the thread readers of the tests use `read_store_version`) and runnable as a
separate process:

    python poll_reporting_store.py STORE PARQUET_DIR STOP_FILE RESULT_JSON PROGRESS

It reads until STOP_FILE exists, then writes {reads, errors, versions, parquet_versions}.
Each time it first sees a version in both the store and Parquet it writes that number to
PROGRESS (in one step), so a test can wait for it instead of guessing how long it takes.
A read succeeds only if the version is complete: every table has the row count its own
`rpt_publication` row claims, and the log holds exactly `publication_number` rows.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import duckdb

from orchestration.publish.publication import latest_publication


def check_complete(connection: duckdb.DuckDBPyConnection, source: str) -> int:
    """The publication number of the version `connection` sees; raise if incomplete."""
    latest = latest_publication(connection)
    if latest is None:
        raise AssertionError(f"{source}: rpt_publication is empty")
    for table, expected in latest["row_counts"].items():
        (actual,) = connection.execute(f"select count(*) from {table}").fetchone()
        if actual != expected:
            raise AssertionError(
                f"{source}: {table} has {actual} rows, publication "
                f"{latest['publication_number']} says {expected}"
            )
    (log_rows,) = connection.execute("select count(*) from rpt_publication").fetchone()
    if log_rows != latest["publication_number"]:
        raise AssertionError(
            f"{source}: log has {log_rows} rows at publication {latest['publication_number']}"
        )
    return int(latest["publication_number"])


def read_store_version(store: Path) -> int:
    """Open the store read-only (as BI tools do), check it, close it."""
    connection = duckdb.connect(str(store), read_only=True)
    try:
        return check_complete(connection, str(store))
    finally:
        connection.close()


def read_parquet_version(parquet_dir: Path) -> int:
    """Resolve the served Parquet version once, expose its tables as views, check them."""
    version_dir = parquet_dir.resolve(strict=True)
    connection = duckdb.connect(":memory:")
    try:
        for table_dir in version_dir.iterdir():
            files = str(table_dir / "**" / "*.parquet")
            connection.execute(
                f"create view {table_dir.name} as "
                f"select * from read_parquet('{files}', hive_partitioning = true)"
            )
        return check_complete(connection, str(version_dir))
    finally:
        connection.close()


def report_progress(progress: Path, version: int) -> None:
    part = progress.with_name(progress.name + ".part")
    part.write_text(str(version))
    part.replace(progress)


def poll(store: Path, parquet_dir: Path, stop_file: Path, progress: Path) -> dict[str, object]:
    reads, errors, versions, parquet_versions = 0, [], [], []
    reported = 0
    while not stop_file.exists():
        try:
            versions.append(read_store_version(store))
            parquet_versions.append(read_parquet_version(parquet_dir))
            reads += 1
            seen_in_both = min(versions[-1], parquet_versions[-1])
            if seen_in_both > reported:
                report_progress(progress, seen_in_both)
                reported = seen_in_both
        except Exception as exc:  # noqa: BLE001 - every failure is a finding to report
            errors.append(f"{type(exc).__name__}: {exc}")
        time.sleep(0.001)
    return {
        "reads": reads,
        "errors": errors,
        "versions": versions,
        "parquet_versions": parquet_versions,
    }


def main(argv: list[str]) -> None:
    store, parquet_dir, stop_file, result, progress = (Path(arg) for arg in argv)
    result.write_text(json.dumps(poll(store, parquet_dir, stop_file, progress)))


if __name__ == "__main__":
    main(sys.argv[1:])
