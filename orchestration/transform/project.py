"""The dbt project as Dagster sees it, and the manifest it is loaded from.

Dagster builds its asset graph from `target/manifest.json`, so the manifest must exist
before definitions load. `ensure_manifest` runs `dbt parse` when it is missing or older
than any file of the project or the plan (the set-up step and the CLI call it).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path

from dagster_dbt import DbtProject

from orchestration.partitions import QuarterWindow
from orchestration.settings import Settings

WATCHED_SUFFIXES = {".sql", ".yml", ".yaml", ".csv", ".md"}


def plan_snapshot_dir(settings: Settings) -> Path:
    return settings.data_dir / "plan_snapshot"


def snapshot_plan(settings: Settings) -> Path:
    """Copy the plan's CSV files to the folder dbt seeds from.

    dbt writes each seed's compiled SQL to target/run/<project>/<seed path>; with an
    absolute seed path that is the CSV file itself. Seeding from a per-run copy keeps the
    plan sales ops edit from ever being overwritten, and records what the run used.
    """
    from orchestration.plan.dbt_build import copy_plan

    destination = plan_snapshot_dir(settings)
    shutil.rmtree(destination, ignore_errors=True)
    return copy_plan(settings.plan_dir, destination)


def dbt_env(settings: Settings, window: QuarterWindow | None = None) -> dict[str, str]:
    """Environment every dbt invocation gets: where the warehouse and the plan snapshot are,
    the fiscal calendar, and the quarter window of a quarter build."""
    return {
        "SALES_TARGETS_FISCAL_YEAR_START_MONTH": str(settings.fiscal_year_start_month),
        **(window.dbt_env() if window is not None else {}),
        "WAREHOUSE_PATH": str(settings.warehouse_path),
        "SALES_TARGETS_PLAN_DIR": str(plan_snapshot_dir(settings)),
        "SALES_TARGETS_WAREHOUSE_MEMORY_LIMIT": settings.warehouse_memory_limit,
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        # A test runs with the op that builds all of its parents (seed tests with the plan,
        # not again with every quarter).
        "DBT_INDIRECT_SELECTION": "cautious",
        "DO_NOT_TRACK": "1",
    }


def run_dbt(
    settings: Settings,
    arguments: list[str],
    window: QuarterWindow | None = None,
    timeout_seconds: float | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run this environment's `dbt <arguments>` on the project, output captured."""
    project = str(settings.dbt_project_dir)
    return subprocess.run(
        [str(Path(sys.executable).with_name("dbt")), *arguments,
         "--project-dir", project, "--profiles-dir", project],
        env={**os.environ, **dbt_env(settings, window)},
        capture_output=True,
        text=True,
        check=False,
        timeout=timeout_seconds,
    )  # fmt: skip


@contextmanager
def dbt_environment(settings: Settings, window: QuarterWindow | None = None) -> Iterator[None]:
    """Point dbt subprocesses (which inherit os.environ) at this run's settings."""
    snapshot_plan(settings)
    environment = dbt_env(settings, window)
    saved = {key: os.environ.get(key) for key in environment}
    os.environ.update(environment)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


@cache
def dbt_project(project_dir: Path) -> DbtProject:
    return DbtProject(project_dir=project_dir, profiles_dir=project_dir)


def _newest_source_mtime(*folders: Path) -> float:
    newest = 0.0
    for folder in folders:
        if not folder.exists():
            continue
        for path in folder.rglob("*"):
            if path.suffix in WATCHED_SUFFIXES and "target" not in path.parts:
                newest = max(newest, path.stat().st_mtime)
    return newest


def manifest_is_stale(settings: Settings) -> bool:
    manifest = dbt_project(settings.dbt_project_dir).manifest_path
    if not manifest.exists():
        return True
    project = settings.dbt_project_dir
    watched = [project / "models", project / "macros", project / "tests", settings.plan_dir]
    newest = max(_newest_source_mtime(*watched), (project / "dbt_project.yml").stat().st_mtime)
    return newest > manifest.stat().st_mtime


def ensure_manifest(settings: Settings, force: bool = False) -> Path:
    """Parse the dbt project if its manifest is missing or stale; return the manifest path."""
    project = dbt_project(settings.dbt_project_dir)
    if force or manifest_is_stale(settings):
        snapshot_plan(settings)
        result = run_dbt(settings, ["parse", "--quiet"])
        if result.returncode != 0:
            raise RuntimeError(
                "dbt parse failed for "
                f"{settings.dbt_project_dir}:\n{result.stdout[-4000:]}{result.stderr[-4000:]}"
            )
    return project.manifest_path
