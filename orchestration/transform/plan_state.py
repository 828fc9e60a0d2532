"""Whether a run loads the plan: only when it changed since the last load that passed.

A nightly run's plan is almost always the one loaded the night before, and re-seeding it
re-ran the plan's data tests, which read nothing new. `quality.contract_watermarks` keeps,
under `dbt:plan`, a fingerprint of what the seeds were loaded and tested from: the plan
files of the run's snapshot, the seeds' properties and tests (the project's YAML and
generic tests), dbt_project.yml and the engine. While it matches and every seed table is
in the warehouse, the plan-and-staging build leaves the seeds out (`--exclude
resource_type:seed`); tests between a seed and staging still run, as staging changed.
A failed build records nothing, so the next run loads the plan again.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from orchestration.quality.contract_watermarks import record_pass, validated_through
from orchestration.settings import Settings
from orchestration.transform.staging_state import files_fingerprint
from orchestration.warehouse import connect_warehouse

PLAN_LOAD = "dbt:plan"
LEAVE_OUT_SEEDS = ["--exclude", "resource_type:seed"]


def plan_fingerprint(settings: Settings, plan_snapshot: Path) -> str:
    """A hash of the plan files dbt seeds from and of everything that loads or tests them."""
    project = settings.dbt_project_dir
    files = [
        *plan_snapshot.rglob("*"),
        *(project / "models").rglob("*.yml"),  # seed properties and tests live in YAML
        *(project / "tests").rglob("*"),
        *(project / "macros").rglob("*"),
        project / "dbt_project.yml",
    ]
    # the snapshot lies outside the project: its files are hashed by their path under it
    inside = [path for path in files if path.is_relative_to(project)]
    return files_fingerprint(settings, inside, project) + files_fingerprint(
        settings, [path for path in files if not path.is_relative_to(project)], plan_snapshot
    )


def missing_tables(settings: Settings, relations: Sequence[str]) -> list[str]:
    """Which of `relations` (schema.table) the warehouse does not hold."""
    if not settings.warehouse_path.exists():
        return list(relations)
    with connect_warehouse(settings, read_only=True) as connection:
        present = {
            f"{schema}.{name}"
            for schema, name in connection.execute(
                "select table_schema, table_name from information_schema.tables"
            ).fetchall()
        }
    return [relation for relation in relations if relation not in present]


@dataclass(frozen=True)
class PlanLoad:
    """Whether this build seeds the plan, and what it records once it passed."""

    fingerprint: str
    loaded: bool  # the same plan passed its tests in this warehouse and is still there
    passed_at: datetime | None = None  # when that load passed its tests

    @classmethod
    def begin(cls, settings: Settings, plan_snapshot: Path, seeds: Sequence[str]) -> PlanLoad:
        """`seeds` are the seed tables (schema.table); call holding the warehouse lock."""
        fingerprint = plan_fingerprint(settings, plan_snapshot)
        passed_at = validated_through(settings.warehouse_path, PLAN_LOAD, fingerprint)
        loaded = passed_at is not None and not missing_tables(settings, seeds)
        return cls(fingerprint, loaded, passed_at if loaded else None)

    @property
    def arguments(self) -> list[str]:
        return LEAVE_OUT_SEEDS if self.loaded else []

    def describe(self) -> str:
        if self.loaded:
            return "the plan is unchanged since its last load: seeds and their tests left out"
        return "the plan is loaded (first load, or the plan or its tests changed)"

    def record_pass(self, settings: Settings) -> None:
        if not self.loaded:
            record_pass(settings, PLAN_LOAD, self.fingerprint, datetime.now())
