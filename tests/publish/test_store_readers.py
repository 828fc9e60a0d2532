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


def wait_until(seen_everywhere, what: str, timeout: float = 120.0) -> None:
    """Wait on what the readers report; the timeout only bounds a reader that hangs."""
    deadline = time.monotonic() + timeout
    while not seen_everywhere():
        assert time.monotonic() < deadline, f"readers never saw {what}"
        time.sleep(0.005)


def test_readers_in_threads_and_a_process_see_only_complete_versions(settings, warehouse, tmp_path):
    """Three reader threads and a reader process poll while the store is published 11 more
    times; after each publish the test waits until every reader has read the new version,
    so each sees every version, whatever the machine's speed."""
    warehouse(version=1, weeks=13, nodes=300)
    publish_reporting_store(settings)
    stop = threading.Event()
    stop_file = tmp_path / "stop"
    result_file = tmp_path / "process_reader.json"
    progress_file = tmp_path / "process_reader.progress"
    process = subprocess.Popen(
        [
            sys.executable,
            str(READER_SCRIPT),
            str(settings.reporting_path),
            str(settings.parquet_dir),
            str(stop_file),
            str(result_file),
            str(progress_file),
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

    def everyone_saw(version: int) -> bool:
        threads_saw = all(versions and versions[-1] >= version for versions in seen.values())
        process_saw = progress_file.exists() and int(progress_file.read_text()) >= version
        assert errors == [], errors  # a reader that saw a half-written version: stop now
        assert process.poll() is None, "the reader process stopped"
        return threads_saw and process_saw

    threads = [threading.Thread(target=poll, args=(name,)) for name in readers]
    for thread in threads:
        thread.start()
    try:
        wait_until(lambda: everyone_saw(1), "version 1")
        for version in range(2, PUBLISHES + 1):
            warehouse(version=version, weeks=13, nodes=300)
            publish_reporting_store(settings)
            wait_until(lambda v=version: everyone_saw(v), f"version {version}")
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
    every_version = set(range(1, PUBLISHES + 1))
    process_result = json.loads(result_file.read_text())
    assert process_result["errors"] == []
    assert set(process_result["versions"]) == every_version
    assert set(process_result["parquet_versions"]) == every_version
    assert non_decreasing(process_result["versions"])
    assert non_decreasing(process_result["parquet_versions"])
    for name, versions in seen.items():
        assert set(versions) == every_version, name
        assert non_decreasing(versions), name


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
