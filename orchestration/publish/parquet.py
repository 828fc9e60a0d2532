"""The Parquet copy of the reporting store, swapped in atomically.

Layout (hive): `<parquet_dir>/<table>/quarter=YYYYQn/data_0.parquet`; tables without a
`quarter` column are one `<table>/data.parquet`. Rows are sorted and file names fixed, so
the same tables give the same files.

`parquet_dir` is a symbolic link to a complete version folder in `.<name>.versions/`. A
version is written under a `.tmp` name, renamed when complete, and the link is replaced
with `os.replace`: a reader resolves the link to the old or the new version, never to a
half-written one. The previous version is kept, so a reader that resolved the link just
before a swap can finish; older ones are removed.
"""

from __future__ import annotations

import os
import re
import shutil
import uuid
from pathlib import Path

from orchestration.partitions import QUARTER_LABEL
from orchestration.publish.comments import parquet_metadata_option
from orchestration.store_reader import open_store_read_only, store_columns, store_tables

PARTITION_COLUMN = "quarter"
STAGING_SUFFIX = ".tmp"


def versions_dir(parquet_dir: Path) -> Path:
    return parquet_dir.with_name(f".{parquet_dir.name}.versions")


def _quote(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"


def write_parquet_tables(store: Path, destination: Path) -> dict[str, list[str]]:
    """Write every `rpt_*` table of `store` under `destination`; return files per table."""
    written: dict[str, list[str]] = {}
    connection = open_store_read_only(store)
    try:
        for table in store_tables(connection):
            table_dir = destination / table
            table_dir.mkdir(parents=True)
            files: list[str] = []
            columns = [name for name, _ in store_columns(connection, table)]
            if PARTITION_COLUMN in columns:
                metadata = parquet_metadata_option(
                    table, [name for name in columns if name != PARTITION_COLUMN]
                )
                quarters = connection.execute(
                    f"select distinct {PARTITION_COLUMN} from main.{table} order by 1"
                ).fetchall()
                for (quarter,) in quarters:
                    if quarter is None or not QUARTER_LABEL.match(str(quarter)):
                        raise ValueError(
                            f"{store} table {table} has quarter {quarter!r}: every row needs a "
                            "quarter like 2026Q3 to be written as a Parquet partition"
                        )
                    target = table_dir / f"{PARTITION_COLUMN}={quarter}" / "data_0.parquet"
                    target.parent.mkdir()
                    connection.execute(
                        f"copy (select * exclude ({PARTITION_COLUMN}) from main.{table} "
                        f"where {PARTITION_COLUMN} = '{quarter}' order by all) "
                        f"to {_quote(target)} (format parquet{metadata})"
                    )
                    files.append(str(target.relative_to(destination)))
            else:
                target = table_dir / "data.parquet"
                connection.execute(
                    f"copy (select * from main.{table} order by all) to {_quote(target)} "
                    f"(format parquet{parquet_metadata_option(table, columns)})"
                )
                files.append(str(target.relative_to(destination)))
            written[table] = files
    finally:
        connection.close()
    return written


def stage_parquet(store: Path, parquet_dir: Path, version: str) -> Path:
    """Write a complete Parquet version of `store`; return its folder (not yet served)."""
    if not re.fullmatch(r"[A-Za-z0-9_-]+", version):
        raise ValueError(f"Parquet version name {version!r} must be letters, digits, - or _")
    versions = versions_dir(parquet_dir)
    versions.mkdir(parents=True, exist_ok=True)
    staging = versions / f"{version}{STAGING_SUFFIX}"
    try:
        write_parquet_tables(store, staging)
        _make_read_only_for_others(staging)
        final = versions / version
        os.replace(staging, final)  # a name without .tmp means complete
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return final


def _make_read_only_for_others(folder: Path) -> None:
    """Readable by all, writable by the owner only, whatever the process umask."""
    for path in [folder, *folder.rglob("*")]:
        path.chmod(0o755 if path.is_dir() else 0o644)


def swap_in_parquet(version_dir: Path, parquet_dir: Path) -> None:
    """Point `parquet_dir` at `version_dir` atomically and drop versions older than the
    previous one."""
    previous = parquet_dir.resolve() if parquet_dir.is_symlink() else None
    if parquet_dir.exists() and not parquet_dir.is_symlink():
        # A plain folder from before versioned swaps: retire it once (the only non-atomic step).
        os.replace(parquet_dir, versions_dir(parquet_dir) / f"legacy-{uuid.uuid4().hex}")
    link = parquet_dir.with_name(f".{parquet_dir.name}.{uuid.uuid4().hex}.link")
    os.symlink(os.path.relpath(version_dir, parquet_dir.parent), link)
    os.replace(link, parquet_dir)
    keep = {version_dir.resolve(), previous}
    for old in versions_dir(parquet_dir).iterdir():
        if old.resolve() not in keep and not old.name.endswith(STAGING_SUFFIX):
            shutil.rmtree(old, ignore_errors=True)


def discard_staged_parquet(version_dir: Path | None) -> None:
    if version_dir is not None:
        shutil.rmtree(version_dir, ignore_errors=True)


def remove_stale_parquet_files(parquet_dir: Path) -> list[Path]:
    """Remove what a killed publish left: half-written versions and unused link files.

    Call only while holding the publish lock (no publish is running).
    """
    removed: list[Path] = []
    versions = versions_dir(parquet_dir)
    if versions.exists():
        for path in versions.iterdir():
            if path.name.endswith(STAGING_SUFFIX):
                shutil.rmtree(path, ignore_errors=True)
                removed.append(path)
    for path in parquet_dir.parent.glob(f".{parquet_dir.name}.*.link"):
        path.unlink(missing_ok=True)
        removed.append(path)
    return removed
