"""A publisher to SIGKILL: run as a separate process by the kill tests.

python publish_in_subprocess.py STAGE DATA_DIR MARKER

runs one publish that stops at STAGE, writes MARKER (its text says what is on disk at
that point) and stalls until it is killed. The kill tests reach every stage this way, so
where a kill lands is decided by the test, never by how fast the machine is. The stages,
in the order a publish passes them (see orchestration/publish/store.py):

    lock-taken           the publish lock is held and stale files are removed
    first-table-copied   the new store file is open with one table in it (half-written)
    store-built          the new store file is complete (the gates are running)
    parquet-staged       the new Parquet version is written but not served
    store-swapped        the new store is served, the Parquet link still points at the old
    parquet-swapped      both are served; the publish has not returned yet
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path

from orchestration.publish import store
from orchestration.publish.store import publish_reporting_store
from orchestration.settings import Settings

STALL_SECONDS = 600  # the test kills the publisher long before


def mark(marker: Path, text: str) -> None:
    """Write the marker in one step: the test waits for it to exist, then reads it."""
    part = marker.with_name(marker.name + ".part")
    part.write_text(text)
    part.replace(marker)


def stall(marker: Path, text: str) -> None:
    mark(marker, text)
    time.sleep(STALL_SECONDS)


def stop_after(name: str, marker: Path, describe: Callable[..., str]) -> None:
    """Replace store.<name> by a call to it that then marks and stalls."""
    original = getattr(store, name)

    def stopped(*args, **kwargs):
        result = original(*args, **kwargs)
        stall(marker, describe(result, *args))
        return result

    setattr(store, name, stopped)


def stop_after_first_table(marker: Path) -> None:
    columns_of = store.table_columns

    def stopped(connection, catalog, schema, table):
        # build_store_file asks for a copied table's columns right after the copy
        if schema == "main":
            stall(marker, table)
        return columns_of(connection, catalog, schema, table)

    store.table_columns = stopped


STAGES: dict[str, Callable[[Path], None]] = {
    "lock-taken": lambda marker: stop_after(
        "remove_stale_temp_files", marker, lambda removed, _settings: str(len(removed))
    ),
    "first-table-copied": stop_after_first_table,
    "store-built": lambda marker: stop_after(
        "build_store_file", marker, lambda _record, _settings, new_store, *_: str(new_store)
    ),
    "parquet-staged": lambda marker: stop_after(
        "stage_parquet", marker, lambda staged, *_: str(staged)
    ),
    "store-swapped": lambda marker: stop_after(
        "swap_in_store", marker, lambda _none, new_store, target: str(target)
    ),
    "parquet-swapped": lambda marker: stop_after(
        "swap_in_parquet", marker, lambda _none, staged, parquet_dir: str(parquet_dir)
    ),
}


def main(argv: list[str]) -> None:
    stage, data_dir, marker = argv
    if stage not in STAGES:
        raise SystemExit(f"unknown stage {stage!r}: use one of {', '.join(STAGES)}")
    STAGES[stage](Path(marker))
    settings = Settings().with_data_dir(Path(data_dir))
    publish_reporting_store(settings, {"run_id": "killed"})


if __name__ == "__main__":
    main(sys.argv[1:])
