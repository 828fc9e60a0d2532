"""Run part of the dbt project for a plan folder, into a given DuckDB file.

Used by `plan show` and `plan suggest` (a scratch DuckDB) and by tests. The plan is copied
into the work folder first and dbt seeds the copy: dbt writes each seed's compiled SQL to
`<target>/run/<package>/<seed path>`, and for an absolute seed path that is the CSV
itself, so dbt must never be pointed at the plan a person edits by absolute path.
"""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

from orchestration.transform.dbt_invocation import (  # noqa: F401 - dbt_executable re-exported
    DbtInvocation,
    dbt_executable,
    project_env,
)

# The seeds (the plan), the planning models and the targets mart (the published
# rpt_target_tree adds the actuals, which a plan preview has none of).
TARGET_TREE_SELECTION = (
    "resource_type:seed",
    "path:models/intermediate/planning",
    # growth baselines read last quarter's orders with their status as of its close
    "int_order_status_versions_reconstructed",
    "path:models/marts/targets",
)


class TargetTreeBuildError(RuntimeError):
    """dbt could not build the target tree (or another plan selection); carries the end of
    dbt's output."""


def copy_plan(plan_dir: Path, destination: Path) -> Path:
    """A private copy of the plan's CSV files (examples and other folders left out); an
    optional file the plan leaves out is written header-only, as dbt seeds every file."""
    from models.plan import OPTIONAL_PLAN_FILES, PLAN_FILE_CONTRACTS

    destination.mkdir(parents=True, exist_ok=True)
    for path in sorted(Path(plan_dir).glob("*.csv")):
        shutil.copyfile(path, destination / path.name)
    for name in sorted(OPTIONAL_PLAN_FILES):
        path = destination / f"{name}.csv"
        if not path.exists():
            path.write_text(",".join(PLAN_FILE_CONTRACTS[name].to_schema().columns) + "\n")
    return destination


# The plan seeds and the planning models that read nothing but them: the plan as dbt
# resolves it (sets in effect, segments and their shares), for tools that need no tree.
PLAN_RESOLUTION_SELECTION = (
    "resource_type:seed",
    "int_run_quarters_dated",
    "int_plan_sets_in_effect",
    "int_plan_quarters_resolved",
    "int_plan_segments_resolved",
)


def build_plan_models(
    *,
    selection: tuple[str, ...],
    what: str,
    plan_dir: Path,
    warehouse_path: Path,
    work_dir: Path,
    dbt_project_dir: Path,
    quarter_start: date,
    quarter_end: date,
    as_of_date: date,
    fiscal_year_start_month: int = 1,
    with_tests: bool = False,
) -> str:
    """`dbt build` of `selection` (described as `what` in errors) on a copy of the plan.

    The staging relations the selected models read must already exist in `warehouse_path`.
    Without `with_tests` only seeds and models run. Returns dbt's output; raises
    TargetTreeBuildError when dbt fails.
    """
    work_dir = Path(work_dir)
    plan_copy = copy_plan(plan_dir, work_dir / "plan")
    dbt_vars = {
        "quarter_start": quarter_start.isoformat(),
        "quarter_end": quarter_end.isoformat(),
        "as_of_date": as_of_date.isoformat(),
        "fiscal_year_start_month": fiscal_year_start_month,
    }
    arguments = ["build", "--select", *selection]
    if not with_tests:
        arguments += ["--exclude-resource-type", "test", "unit_test"]
    result = DbtInvocation(
        tuple(arguments),
        Path(dbt_project_dir),
        project_env(warehouse_path=warehouse_path, plan_dir=plan_copy),
        dbt_vars=dbt_vars,
        work_dir=work_dir,
    ).run()
    if not result.success:
        raise TargetTreeBuildError(
            f"dbt could not build {what} for plan {plan_dir} "
            f"(exit {result.returncode}):\n{result.failure_detail()}"
        )
    return result.output


def build_target_tree(**arguments: object) -> str:
    """`build_plan_models` of the target tree (seeds, planning models, the targets mart
    fct_target_tree); a preview skips the data and unit tests, which need the org."""
    return build_plan_models(selection=TARGET_TREE_SELECTION, what="the target tree", **arguments)
