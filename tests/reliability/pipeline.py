"""Whole-pipeline runs for the reliability tests: `sales-targets run` in a subprocess.

A `PipelineWorld` is everything a run reads besides its sources, frozen for the session:
a copy of the dbt project (parsed once, so concurrent runs never re-parse and edits made
to the working tree meanwhile cannot change the numbers mid-session) and a copy of the
plan whose revision reason looks like SQL. A `PipelineProcess` is one CLI run in its own
process group, so SIGKILL takes dbt's subprocess down with it, as an OOM kill or a
container stop would. Its output goes to a log file the test polls to find a phase.
"""

from __future__ import annotations

import csv
import hashlib
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

import duckdb

from orchestration.settings import Settings, sqlite_url
from orchestration.transform.project import ensure_manifest

QUARTER = "2026Q3"
AS_OF = "2026-09-30"
PUBLICATION_TABLE = "rpt_publication"
SQL_LOOKING_REASON = "x'); drop table raw.orders; --"
CLI = Path(sys.executable).with_name("sales-targets")
# Set to a git ref (e.g. HEAD) to run against the committed dbt project and plan instead of
# the working tree's, when other work in progress leaves the working tree unbuildable.
PROJECT_REF_VARIABLE = "SALES_TARGETS_RELIABILITY_PROJECT_REF"


@dataclass(frozen=True)
class PipelineWorld:
    dbt_project_dir: Path
    plan_dir: Path
    revision_reason: str

    def settings(self, data_dir: Path, sources_dir: Path) -> Settings:
        return replace(
            Settings.from_env().with_data_dir(data_dir),
            crm_database_url=sqlite_url(sources_dir / "crm.sqlite"),
            orders_database_url=sqlite_url(sources_dir / "orders.sqlite"),
            dbt_project_dir=self.dbt_project_dir,
            plan_dir=self.plan_dir,
        )


def build_world(folder: Path) -> PipelineWorld:
    """Copy the dbt project and the plan under `folder`; parse the project once."""
    project = Settings.from_env()
    dbt_dir, plan_dir = folder / "dbt_project", folder / "plan"
    ref = os.environ.get(PROJECT_REF_VARIABLE)
    if ref:
        _export_from_git(project, ref, folder)
    else:
        ignore = shutil.ignore_patterns("target", "logs")
        shutil.copytree(project.dbt_project_dir, dbt_dir, ignore=ignore)
        shutil.copytree(project.plan_dir, plan_dir)
    revisions = plan_dir / "plan_revisions.csv"
    with revisions.open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert rows, f"{revisions} has no revision to carry a SQL-looking reason"
    rows[0]["reason"] = SQL_LOOKING_REASON
    with revisions.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    world = PipelineWorld(dbt_dir, plan_dir, SQL_LOOKING_REASON)
    ensure_manifest(world.settings(folder / "parse", folder / "parse"), force=True)
    return world


def _export_from_git(project: Settings, ref: str, folder: Path) -> None:
    """The dbt project and plan as committed at `ref` (read-only `git archive`)."""
    root = project.project_root
    paths = [str(p.relative_to(root)) for p in (project.dbt_project_dir, project.plan_dir)]
    archive = subprocess.run(
        ["git", "-C", str(root), "archive", "--format=tar", ref, *paths],
        capture_output=True,
        check=True,
    )
    subprocess.run(["tar", "-x", "-C", str(folder)], input=archive.stdout, check=True)
    os.replace(folder / paths[0], folder / "dbt_project")
    os.replace(folder / paths[1], folder / "plan")


def cli_env(world: PipelineWorld, data_dir: Path, sources_dir: Path, **extra: str) -> dict:
    env = {
        **os.environ,
        "SALES_TARGETS_DATA_DIR": str(data_dir),
        "CRM_DATABASE_URL": sqlite_url(sources_dir / "crm.sqlite"),
        "ORDERS_DATABASE_URL": sqlite_url(sources_dir / "orders.sqlite"),
        "SALES_TARGETS_DBT_PROJECT_DIR": str(world.dbt_project_dir),
        "SALES_TARGETS_PLAN_DIR": str(world.plan_dir),
        "DAGSTER_HOME": str(data_dir.parent / f"{data_dir.name}-dagster"),
        "DAGSTER_DISABLE_TELEMETRY": "1",
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        "GX_ANALYTICS_ENABLED": "false",
        "DO_NOT_TRACK": "1",
    }
    env.update(extra)
    return env


class PipelineProcess:
    """`sales-targets run --quarter QUARTER --as-of AS_OF --verbose` in its own process
    group."""

    def __init__(self, env: dict, log: Path, *args: str) -> None:
        self.log = log
        self._handle = log.open("w")
        self.started = time.monotonic()
        self.process = subprocess.Popen(
            # --verbose: the tests wait for Dagster's and dbt's own log lines
            [str(CLI), "run", "--quarter", QUARTER, "--as-of", AS_OF, "--verbose", *args],
            env=env,
            stdout=self._handle,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def wait_until(self, ready: Callable[[], bool], what: str, timeout: float = 300) -> float:
        """Poll until `ready()`; return the seconds since start. Fails if the run ends first."""
        deadline = time.monotonic() + timeout
        while not ready():
            if self.process.poll() is not None:
                raise AssertionError(
                    f"the run ended (exit {self.process.returncode}) before {what}:\n"
                    + self.output()[-3000:]
                )
            if time.monotonic() > deadline:
                raise AssertionError(f"{what} not reached in {timeout:.0f}s")
            time.sleep(0.05)
        return time.monotonic() - self.started

    def wait_for_log(self, pattern: str, timeout: float = 300) -> float:
        regex = re.compile(pattern)
        return self.wait_until(lambda: bool(regex.search(self.output())), pattern, timeout)

    def kill(self) -> None:
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=60)
        self._handle.close()

    def finish(self, timeout: float = 600) -> int:
        try:
            code = self.process.wait(timeout=timeout)
        finally:
            self._handle.close()
        return code

    def stop_if_running(self) -> None:
        if self.process.poll() is None:
            self.kill()


@dataclass
class BackgroundRun:
    name: str
    settings: Settings
    process: PipelineProcess
    exit_code: int | None = field(default=None)

    def result(self) -> Settings:
        """Wait for the run; fail with its output unless it succeeded."""
        if self.exit_code is None:
            self.exit_code = self.process.finish()
        assert self.exit_code == 0, (
            f"{self.name} run failed (exit {self.exit_code}):\n{self.process.output()[-4000:]}"
        )
        return self.settings


# ---------------------------------------------------------------- what was published
def published_tables(store: Path) -> list[str]:
    with duckdb.connect(str(store), read_only=True) as connection:
        return [name for (name,) in connection.execute("show tables").fetchall()]


def table_hashes(store: Path) -> dict[str, str]:
    """sha256 of every published table's rows (sorted), rpt_publication excluded."""
    hashes = {}
    with duckdb.connect(str(store), read_only=True) as connection:
        for (table,) in connection.execute("show tables").fetchall():
            if table == PUBLICATION_TABLE:
                continue
            digest = hashlib.sha256()
            cursor = connection.execute(f"select * from {table} order by all")
            digest.update(repr([d[0] for d in cursor.description]).encode())
            for row in cursor.fetchall():
                digest.update(repr(row).encode())
            hashes[table] = digest.hexdigest()
    return hashes


def parquet_hashes(parquet_dir: Path) -> dict[str, str]:
    """sha256 of every published Parquet file by relative path, rpt_publication excluded."""
    root = parquet_dir.resolve(strict=True)
    return {
        str(path.relative_to(root)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*.parquet"))
        if path.relative_to(root).parts[0] != PUBLICATION_TABLE
    }


def file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def publication_numbers(store: Path) -> list[int]:
    with duckdb.connect(str(store), read_only=True) as connection:
        return [
            n
            for (n,) in connection.execute(
                f"select publication_number from {PUBLICATION_TABLE} order by 1"
            ).fetchall()
        ]


def copy_published_store(source: Settings, target: Settings) -> None:
    """Serve `source`'s published store and Parquet version from `target`'s data dir."""
    target.data_dir.mkdir(parents=True, exist_ok=True)
    shutil.copy2(source.reporting_path, target.reporting_path)
    version = source.parquet_dir.resolve(strict=True)
    versions = target.parquet_dir.with_name(f".{target.parquet_dir.name}.versions")
    versions.mkdir(parents=True, exist_ok=True)
    shutil.copytree(version, versions / version.name)
    os.symlink(os.path.relpath(versions / version.name, target.data_dir), target.parquet_dir)


def publish_leftovers(settings: Settings) -> list[Path]:
    """Temp files of an unfinished publish: new-store files, staged Parquet, link files."""
    folder = settings.data_dir
    versions = settings.parquet_dir.with_name(f".{settings.parquet_dir.name}.versions")
    found = [*folder.glob(f".{settings.reporting_path.name}.*.tmp*")]
    found += [*folder.glob(f".{settings.parquet_dir.name}.*.link")]
    if versions.exists():
        found += [p for p in versions.iterdir() if p.name.endswith(".tmp")]
    return sorted(found)
