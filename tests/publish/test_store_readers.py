"""Readers of reporting.duckdb and its Parquet copy never see a half-written version."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from pathlib import Path

import duckdb

from orchestration.publish.store import publish_reporting_store
from orchestration.store_reader import open_store_read_only
from tests.publish.poll_reporting_store import (
    check_complete,
    read_parquet_version,
    read_store_version,
)

PUBLISHES = 12
READER_SCRIPT = Path(__file__).with_name("poll_reporting_store.py")


def process_result_reads(result_file: Path) -> str:
    result = json.loads(result_file.read_text())
    return f"{result['reads']} ({len(set(result['versions']))} versions)"


def non_decreasing(values: list[int]) -> bool:
    return all(a <= b for a, b in zip(values, values[1:], strict=False))


def test_readers_in_threads_and_a_process_see_only_complete_versions(settings, warehouse, tmp_path):
    warehouse(version=1, weeks=13, nodes=300)
    publish_reporting_store(settings)
    stop = threading.Event()
    stop_file = tmp_path / "stop"
    result_file = tmp_path / "process_reader.json"
    process = subprocess.Popen(
        [
            sys.executable,
            str(READER_SCRIPT),
            str(settings.reporting_path),
            str(settings.parquet_dir),
            str(stop_file),
            str(result_file),
        ]
    )
    seen: dict[str, list[int]] = {"connect": [], "attach": [], "parquet": []}
    errors: list[str] = []

    def attach_read() -> int:
        connection = open_store_read_only(settings.reporting_path)
        try:
            return check_complete(connection, "attach")
        finally:
            connection.close()

    readers = {
        "connect": lambda: read_store_version(settings.reporting_path),
        "attach": attach_read,
        "parquet": lambda: read_parquet_version(settings.parquet_dir),
    }

    def poll(name: str) -> None:
        while not stop.is_set():
            try:
                seen[name].append(readers[name]())
            except Exception as exc:  # noqa: BLE001 - collected and asserted on below
                errors.append(f"{name}: {type(exc).__name__}: {exc}")

    threads = [threading.Thread(target=poll, args=(name,)) for name in readers]
    for thread in threads:
        thread.start()
    try:
        time.sleep(1.0)  # let the reader process start polling
        for version in range(2, PUBLISHES + 1):
            warehouse(version=version, weeks=13, nodes=300)
            publish_reporting_store(settings)
            time.sleep(0.05)
    finally:
        stop.set()
        stop_file.touch()
        for thread in threads:
            thread.join(timeout=30)
        process.wait(timeout=60)

    print(
        f"reads: process {process_result_reads(result_file)}, "
        + ", ".join(f"{name} {len(v)} ({len(set(v))} versions)" for name, v in seen.items())
    )
    assert errors == []
    process_result = json.loads(result_file.read_text())
    assert process_result["errors"] == []
    assert process_result["reads"] > 20
    assert len(set(process_result["versions"])) >= 3
    assert non_decreasing(process_result["versions"])
    assert non_decreasing(process_result["parquet_versions"])
    for name, versions in seen.items():
        assert len(versions) > 20, name
        assert set(versions) <= set(range(1, PUBLISHES + 1)), name
        assert non_decreasing(versions), name
    assert len(set(seen["attach"])) >= 3
    assert max(seen["attach"]) == PUBLISHES or max(process_result["versions"]) == PUBLISHES


def test_a_connection_held_open_across_a_publish_keeps_reading_its_version(settings, warehouse):
    warehouse(version=1)
    publish_reporting_store(settings)
    held = duckdb.connect(str(settings.reporting_path), read_only=True)
    try:
        assert check_complete(held, "held") == 1
        old_rows = held.execute("select count(*) from rpt_target_tree").fetchone()[0]

        warehouse(version=2)
        publish_reporting_store(settings)  # os.replace while `held` is open

        # the held connection still reads the replaced file (its inode), completely
        assert check_complete(held, "held") == 1
        assert held.execute("select count(*) from rpt_target_tree").fetchone()[0] == old_rows
        # a fresh read-only attach sees the new version
        fresh = open_store_read_only(settings.reporting_path)
        try:
            assert check_complete(fresh, "fresh") == 2
            new_rows = fresh.execute("select count(*) from rpt_target_tree").fetchone()[0]
            assert new_rows == old_rows + 2
        finally:
            fresh.close()
    finally:
        held.close()
    # a third publish carries the whole log although a reader held the old file open
    warehouse(version=3)
    publish_reporting_store(settings)
    assert read_store_version(settings.reporting_path) == 3
