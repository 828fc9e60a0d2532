"""A publish killed with SIGKILL at any stage leaves the served store intact.

The publisher runs in its own process and stops at a named stage
(tests/publish/publish_in_subprocess.py); the test kills it there, so every stage is hit
on every run whatever the machine's speed.
"""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from orchestration.publish.store import publish_reporting_store
from orchestration.settings import Settings
from tests.publish.poll_reporting_store import read_parquet_version, read_store_version

PUBLISHER = Path(__file__).with_name("publish_in_subprocess.py")


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def start_publisher(*args: str) -> subprocess.Popen:
    # The script imports tests.publish.*: the checkout must be importable.
    env = {**os.environ, "PYTHONPATH": str(Settings().project_root)}
    return subprocess.Popen([sys.executable, str(PUBLISHER), *args], env=env)


def kill(process: subprocess.Popen) -> None:
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL


def wait_for(path: Path, process: subprocess.Popen, timeout: float = 120.0) -> None:
    """Wait for the publisher's marker; the timeout only bounds a publisher that hangs."""
    deadline = time.monotonic() + timeout
    while not path.exists():
        if process.poll() is not None:
            raise AssertionError("publisher exited before reaching the kill point")
        if time.monotonic() > deadline:
            kill(process)
            raise AssertionError(f"{path} never appeared")
        time.sleep(0.01)


def temp_files(settings: Settings) -> list[Path]:
    return sorted(settings.data_dir.glob(".reporting.duckdb.*.tmp*"))


def test_kill_after_the_new_file_is_written_keeps_the_old_store(settings, warehouse, tmp_path):
    warehouse(version=1)
    publish_reporting_store(settings)
    before = digest(settings.reporting_path)
    parquet_before = settings.parquet_dir.resolve()
    warehouse(version=2)
    marker = tmp_path / "new-store-complete"

    publisher = start_publisher("store-built", str(settings.data_dir), str(marker))
    wait_for(marker, publisher)
    new_store = Path(marker.read_text())
    assert new_store.exists()  # killed with a complete new file beside the served one
    kill(publisher)

    assert digest(settings.reporting_path) == before
    assert read_store_version(settings.reporting_path) == 1
    assert settings.parquet_dir.resolve() == parquet_before
    assert temp_files(settings) == [new_store]  # the leftover of the killed run

    publication = publish_reporting_store(settings, {"run_id": "after-kill"})

    assert publication.publication_number == 2
    assert temp_files(settings) == []
    assert read_store_version(settings.reporting_path) == 2
    with duckdb.connect(str(settings.reporting_path), read_only=True) as store:
        runs = [r for (r,) in store.execute("select run_id from rpt_publication").fetchall()]
    assert runs == [None, "after-kill"]  # the killed publish left no row behind


def test_kill_while_the_new_file_is_half_written_keeps_the_old_store(settings, warehouse, tmp_path):
    warehouse(version=1)
    publish_reporting_store(settings)
    before = digest(settings.reporting_path)
    warehouse(version=2)
    marker = tmp_path / "first-table-copied"

    publisher = start_publisher("first-table-copied", str(settings.data_dir), str(marker))
    wait_for(marker, publisher)
    assert marker.read_text().startswith("rpt_")
    # open, one table in, no publication row yet (with its write-ahead log beside it)
    (half_written,) = [path for path in temp_files(settings) if path.suffix == ".tmp"]
    kill(publisher)

    assert digest(settings.reporting_path) == before
    assert read_store_version(settings.reporting_path) == 1
    assert read_parquet_version(settings.parquet_dir) == 1
    assert half_written in temp_files(settings)

    publication = publish_reporting_store(settings, {"run_id": "after-kill"})
    assert publication.publication_number == 2
    assert temp_files(settings) == []
    assert read_store_version(settings.reporting_path) == 2


# stage -> (served store version, served Parquet version) right after the kill, when
# version 1 was served and the killed publish would have made version 2
SERVED_AFTER_KILL = {
    "lock-taken": (1, 1),
    "first-table-copied": (1, 1),
    "store-built": (1, 1),
    "parquet-staged": (1, 1),
    "store-swapped": (2, 1),  # the one moment the two differ, for one publish
    "parquet-swapped": (2, 2),
}


@pytest.mark.parametrize("stage", list(SERVED_AFTER_KILL))
def test_a_kill_at_any_stage_serves_a_complete_version_and_the_next_publish_recovers(
    stage, settings, warehouse, tmp_path
):
    warehouse(version=1)
    publish_reporting_store(settings)
    warehouse(version=2)
    marker = tmp_path / stage

    publisher = start_publisher(stage, str(settings.data_dir), str(marker))
    wait_for(marker, publisher)
    kill(publisher)

    store_version, parquet_version = SERVED_AFTER_KILL[stage]
    assert read_store_version(settings.reporting_path) == store_version  # complete, or raises
    assert read_parquet_version(settings.parquet_dir) == parquet_version

    after = publish_reporting_store(settings, {"run_id": "after-kill"})
    assert after.publication_number == store_version + 1
    assert temp_files(settings) == []
    assert read_store_version(settings.reporting_path) == store_version + 1
    assert read_parquet_version(settings.parquet_dir) == store_version + 1
    with duckdb.connect(str(settings.reporting_path), read_only=True) as store:
        runs = [r for (r,) in store.execute("select run_id from rpt_publication").fetchall()]
    # a publish killed after its swap is served and keeps its row; one killed before left none
    assert runs == [None, *(["killed"] if store_version == 2 else []), "after-kill"]
