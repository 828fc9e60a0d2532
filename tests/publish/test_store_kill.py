"""A publish killed with SIGKILL at any moment leaves the served store intact."""

from __future__ import annotations

import hashlib
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb

from orchestration.publish.store import publish_reporting_store
from orchestration.settings import Settings
from tests.publish.poll_reporting_store import read_parquet_version, read_store_version

PUBLISHER = Path(__file__).with_name("publish_in_subprocess.py")
RANDOM_KILLS = 6


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def start_publisher(*args: str) -> subprocess.Popen:
    # The script imports tests.publish.*: the checkout must be importable.
    env = {**os.environ, "PYTHONPATH": str(Settings().project_root)}
    return subprocess.Popen(
        [sys.executable, str(PUBLISHER), *args], env=env, stdout=subprocess.PIPE, text=True
    )


def kill(process: subprocess.Popen) -> None:
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL


def wait_for(path: Path, process: subprocess.Popen, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not path.exists():
        assert process.poll() is None, "publisher exited before reaching the kill point"
        assert time.monotonic() < deadline, f"{path} never appeared"
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

    publisher = start_publisher("slow-gate", str(settings.data_dir), str(marker))
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

    publisher = start_publisher("mid-write", str(settings.data_dir), str(marker))
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


def test_kills_at_random_moments_never_break_the_served_store(settings, warehouse):
    """Wherever a kill lands (imports, mid-write, between the swaps, after), the served
    store is complete and the next publish recovers; the moments are drawn at random, the
    half-written case is pinned down by the test above."""
    warehouse(version=1)
    first = publish_reporting_store(settings)
    published = first.publication_number
    chance = random.Random(20260926)
    for attempt in range(RANDOM_KILLS):
        publisher = start_publisher("loop", str(settings.data_dir), str(100 * (attempt + 1)))
        # the first publish of a run starts after ~1 s of imports; each takes ~0.1-0.3 s
        time.sleep(chance.uniform(0.8, 2.5))
        kill(publisher)
        finished = [int(line) for line in publisher.stdout.read().split()]
        publisher.stdout.close()

        version = read_store_version(settings.reporting_path)  # complete, or it raises
        assert version >= published
        assert version in {published, *finished} or version == published + len(finished) + 1
        parquet_version = read_parquet_version(settings.parquet_dir)
        assert parquet_version in {version, version - 1}  # a kill between the two swaps
        published = version

        # the next publish cleans up and succeeds
        after = publish_reporting_store(settings, {"run_id": f"after-kill-{attempt}"})
        assert after.publication_number == published + 1
        assert temp_files(settings) == []
        assert read_store_version(settings.reporting_path) == after.publication_number
        assert read_parquet_version(settings.parquet_dir) == after.publication_number
        published = after.publication_number
