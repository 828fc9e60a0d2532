"""The dbt project as Dagster sees it, and the manifest it is loaded from.

Dagster builds its asset graph from `target/manifest.json`, so the manifest must exist
before definitions load. `ensure_manifest` runs `dbt parse` when it is missing or older
than any file of the project or the plan (the set-up step and the CLI call it).
"""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from functools import cache
from pathlib import Path

from dagster_dbt import DbtProject

from orchestration.partitions import QuarterWindow
from orchestration.settings import Settings
from orchestration.transform.dbt_invocation import DbtInvocation, DbtResult, project_env

WATCHED_SUFFIXES = {".sql", ".yml", ".yaml", ".csv", ".md"}


def plan_snapshot_dir(settings: Settings) -> Path:
    return settings.data_dir / "plan_snapshot"


def parse_state_path(settings: Settings) -> Path:
    """The partial-parse file of the data dir's last successful dbt invocation.

    dbt re-parses the whole project (~15 s of CPU) unless its saved parse was made with the
    same profile (warehouse path, settings) and seed path (the plan snapshot); the one
    `prepare` leaves in dbt_project/target fits the default data dir only. Each data dir
    keeps its own, so every later invocation there parses only the files that changed.
    """
    # one per engine: a parse made for the other engine's profile is never reused
    return settings.data_dir / "dbt_parse_state" / settings.engine / "partial_parse.msgpack"


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


def unmapped_tables(settings: Settings) -> tuple[str, ...]:
    """The optional contract tables the source mapping leaves out (none when the mapping
    cannot be read: ingestion, which runs first, refuses it with the file and table)."""
    from orchestration.ingest.mapping import MappingError, load_mapping

    try:
        return load_mapping(settings.source_mapping_dir).unmapped
    except MappingError:
        return ()


SPARK_LOG_CONFIG = Path("spark") / "log4j2.properties"


def dbt_env(settings: Settings, window: QuarterWindow | None = None) -> dict[str, str]:
    """Environment every pipeline dbt invocation gets: where the warehouse and the plan
    snapshot are, the fiscal calendar, the quarter window of a quarter build, which source
    tables the mapping leaves out (their measures are not measured), and the engine (on
    Spark also Spark's log settings: errors only)."""
    env = project_env(
        unmapped_tables=unmapped_tables(settings),
        warehouse_path=settings.warehouse_path,
        plan_dir=plan_snapshot_dir(settings),
        window=window,
        fiscal_year_start_month=settings.fiscal_year_start_month,
        memory_limit=settings.warehouse_memory_limit,
        # A test runs with the op that builds all of its parents (seed tests with the plan,
        # not again with every quarter).
        indirect_selection="cautious",
        engine=settings.engine,
        spark_dir=settings.spark_dir,
    )
    if settings.engine == "spark":
        env["SALES_TARGETS_SPARK_LOG_CONFIG"] = str(settings.dbt_project_dir / SPARK_LOG_CONFIG)
    return env


def pipeline_invocation(
    settings: Settings,
    arguments: Sequence[str],
    window: QuarterWindow | None = None,
    work_dir: Path | None = None,
) -> DbtInvocation:
    """`dbt <arguments>` on the project with this run's settings; in a `work_dir` of its
    own it starts from the data dir's saved parse."""
    return DbtInvocation(
        tuple(arguments),
        settings.dbt_project_dir,
        dbt_env(settings, window),
        work_dir=work_dir,
        parse_state=parse_state_path(settings) if work_dir is not None else None,
    )


def run_dbt(
    settings: Settings,
    arguments: list[str],
    window: QuarterWindow | None = None,
    timeout_seconds: float | None = None,
) -> DbtResult:
    """Run this environment's `dbt <arguments>` on the project, output captured."""
    return pipeline_invocation(settings, arguments, window).run(timeout_seconds)


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
        run_dbt(settings, ["parse", "--quiet"]).raise_for_failure(str(settings.dbt_project_dir))
    return project.manifest_path
