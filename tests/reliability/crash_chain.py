"""Kill the pipeline at three points in one data dir, then re-run it twice at once.

1. SIGKILL while `inventory_snapshots` is being extracted (chunks of 2,000 rows);
2. SIGKILL while the quarter's `dbt build` runs;
3. the clean run's published store is put in place (the "previous complete version"),
   then SIGKILL while the new store file is being built and checked;
4. two runs of the same quarter started together, with a reader polling the store and its
   Parquet copy throughout: one run must wait or be refused, the other publishes.

Nothing is cleaned up by hand between the steps. Observations are recorded for the tests
to assert on (tests/reliability/test_crash_recovery.py, test_determinism.py).
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from orchestration.settings import Settings
from tests.publish.poll_reporting_store import read_parquet_version, read_store_version
from tests.reliability.pipeline import (
    BackgroundRun,
    PipelineProcess,
    PipelineWorld,
    cli_env,
    copy_published_store,
    file_digest,
    publish_leftovers,
)

CHUNK_SIZE = "2000"  # inventory_snapshots (~83k rows) takes ~40 chunks: time to be hit
# dbt prints a line per node; the first intermediate model built is early in a ~150-node
# build, so the kill lands mid-build however fast the machine is
DBT_MID_BUILD = r"\d+ of \d+ OK created sql \w+ model intermediate\."


@dataclass
class CrashChain:
    """What a test observed while killing runs in one data dir and re-running."""

    settings: Settings
    observed: dict[str, object] = field(default_factory=dict)
    kill_seconds: dict[str, float] = field(default_factory=dict)
    twin_exits: list[int] = field(default_factory=list)
    twin_outputs: list[str] = field(default_factory=list)
    reader_versions: list[int] = field(default_factory=list)
    reader_errors: list[str] = field(default_factory=list)


def _warehouse_state(warehouse: Path) -> dict[str, object]:
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        batches = connection.execute(
            "select source_table, status, rows_read from raw.load_batches order by started_at"
        ).fetchall()
        watermarks = dict(
            connection.execute("select source_table, watermark from raw.load_watermarks").fetchall()
        )
        duplicates = connection.execute(
            "select count(*) - count(distinct (product_id, snapshot_date, updated_at)) "
            "from raw.inventory_snapshots"
        ).fetchone()[0]
    return {"batches": batches, "watermarks": watermarks, "duplicate_versions": duplicates}


def _group_alive(process: PipelineProcess, grace_seconds: float = 60.0) -> bool:
    """Whether any process of the run's group still runs (zombies awaiting reaping do not)
    once `grace_seconds` passed: it returns as soon as the group is gone. A SIGKILLed dbt
    in the middle of a DuckDB write may take seconds to exit on a loaded 2-core machine,
    and it holds the warehouse's file lock until it has."""
    group = process.process.pid
    deadline = time.monotonic() + grace_seconds
    while True:
        running = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue  # exited while we looked
            state, process_group = fields[0], int(fields[2])
            if process_group == group and state not in ("Z", "X"):
                running.append(stat.parent.name)
        if not running or time.monotonic() > deadline:
            return bool(running)
        time.sleep(0.1)


def run_crash_chain(
    root: Path, world: PipelineWorld, sources_dir: Path, clean: BackgroundRun
) -> tuple[CrashChain, list[PipelineProcess]]:
    data_dir = root / "data"
    data_dir.mkdir()
    settings = world.settings(data_dir, sources_dir)
    env = cli_env(world, data_dir, sources_dir, SALES_TARGETS_INGEST_CHUNK_SIZE=CHUNK_SIZE)
    chain = CrashChain(settings)
    processes: list[PipelineProcess] = []

    def start(name: str) -> PipelineProcess:
        process = PipelineProcess(env, root / f"{name}.log")
        processes.append(process)
        return process

    # 1. during extraction
    run = start("kill-extract")
    chain.kill_seconds["extraction"] = run.wait_for_log(r"inventory_snapshots: chunk 3 committed")
    run.kill()
    chain.observed["extract_group_alive"] = _group_alive(run)
    chain.observed["after_extract_kill"] = _warehouse_state(settings.warehouse_path)
    chain.observed["store_after_extract_kill"] = settings.reporting_path.exists()

    # 2. during dbt build of the quarter's models
    run = start("kill-dbt")
    chain.kill_seconds["dbt build"] = run.wait_for_log(DBT_MID_BUILD)
    run.kill()
    chain.observed["dbt_group_alive"] = _group_alive(run)
    chain.observed["dbt_finished"] = "quarter_models - Finished dbt command" in run.output()
    chain.observed["after_dbt_kill"] = _warehouse_state(settings.warehouse_path)
    chain.observed["store_after_dbt_kill"] = settings.reporting_path.exists()

    # 3. during publishing, with the previous complete version served
    copy_published_store(clean.result(), settings)
    chain.observed["served_digest"] = file_digest(settings.reporting_path)
    chain.observed["served_parquet"] = settings.parquet_dir.resolve()
    run = start("kill-publish")
    chain.kill_seconds["publishing"] = run.wait_until(
        lambda: any(p.name.endswith(".tmp") for p in publish_leftovers(settings)),
        "a new store file being written",
    )
    run.kill()
    chain.observed["publish_leftovers"] = publish_leftovers(settings)
    chain.observed["digest_after_publish_kill"] = file_digest(settings.reporting_path)
    chain.observed["parquet_after_publish_kill"] = settings.parquet_dir.resolve()
    chain.observed["version_after_publish_kill"] = read_store_version(settings.reporting_path)

    # 4. two re-runs at once, a reader polling throughout
    stop = threading.Event()

    def poll() -> None:
        while not stop.is_set():
            try:
                version = read_store_version(settings.reporting_path)
                read_parquet_version(settings.parquet_dir)
                chain.reader_versions.append(version)
            except Exception as exc:  # noqa: BLE001 - every failure is a finding
                chain.reader_errors.append(f"{type(exc).__name__}: {exc}")
            time.sleep(0.05)

    reader = threading.Thread(target=poll)
    reader.start()
    try:
        twins = [start("rerun-a"), start("rerun-b")]
        for twin in twins:
            chain.twin_exits.append(twin.finish())
            chain.twin_outputs.append(twin.output())
    finally:
        stop.set()
        reader.join(timeout=60)
    return chain, processes
