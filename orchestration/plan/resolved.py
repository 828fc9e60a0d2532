"""The plan as dbt resolves it, built from a plan folder alone (no warehouse needed).

`plan suggest` reads a quarter's segments and shares from here rather than selecting the
set in effect itself: the seeds and the planning models that read only them
(`int_plan_sets_in_effect`, `int_plan_segments_resolved`) are built in a scratch DuckDB.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import duckdb

from orchestration.plan.dbt_build import PLAN_RESOLUTION_SELECTION, build_plan_models


@dataclass(frozen=True)
class SetInEffect:
    """One row of int_plan_sets_in_effect (dimension only for dimension_shares)."""

    quarter: str
    plan_table: str
    dimension: str | None
    from_quarter: str


@dataclass
class ResolvedPlan:
    sets_in_effect: list[SetInEffect] = field(default_factory=list)
    # quarter -> dimension -> segment -> share, from int_plan_segments_resolved
    segment_shares: dict[str, dict[str, dict[str, float]]] = field(default_factory=dict)


def resolve_plan(
    plan_dir: Path,
    quarter_start: date,
    quarter_end: date,
    *,
    dbt_project_dir: Path,
    fiscal_year_start_month: int = 1,
) -> ResolvedPlan:
    """The sets in effect and segment shares of the quarters quarter_start..quarter_end.

    Raises TargetTreeBuildError when dbt cannot build them (the plan should pass
    `check_plan` first).
    """
    resolved = ResolvedPlan()
    with tempfile.TemporaryDirectory(prefix="plan-resolved-") as folder:
        work_dir = Path(folder)
        database = work_dir / "plan_resolved.duckdb"
        build_plan_models(
            selection=PLAN_RESOLUTION_SELECTION,
            what="the plan's sets in effect",
            plan_dir=Path(plan_dir),
            warehouse_path=database,
            work_dir=work_dir,
            dbt_project_dir=Path(dbt_project_dir),
            quarter_start=quarter_start,
            quarter_end=quarter_end,
            as_of_date=quarter_end,
            fiscal_year_start_month=fiscal_year_start_month,
        )
        with duckdb.connect(str(database), read_only=True) as connection:
            sets = connection.execute(
                "select quarter, plan_table, dimension, from_quarter "
                "from intermediate.int_plan_sets_in_effect order by all"
            ).fetchall()
            segments = connection.execute(
                "select quarter, dimension, segment, share "
                "from intermediate.int_plan_segments_resolved order by all"
            ).fetchall()
    resolved.sets_in_effect = [SetInEffect(*row) for row in sets]
    for quarter, dimension, segment, share in segments:
        resolved.segment_shares.setdefault(quarter, {}).setdefault(dimension, {})[segment] = share
    return resolved
