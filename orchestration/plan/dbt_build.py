"""Run the target-tree part of the dbt project for a plan folder, into a given DuckDB file.

Used by `plan show` (a scratch DuckDB) and by tests. The plan is copied into the work
folder first and dbt seeds the copy: dbt writes each seed's compiled SQL to
`<target>/run/<package>/<seed path>`, and for an absolute seed path that is the CSV
itself, so dbt must never be pointed at the plan a person edits by absolute path.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

# The seeds (the plan), the planning models, the targets mart and its published table.
TARGET_TREE_SELECTION = (
    "resource_type:seed",
    "path:models/intermediate/planning",
    # growth baselines read last quarter's orders with their status as of its close
    "int_order_status_versions_reconstructed",
    "path:models/marts/targets",
    "rpt_target_tree",
)


class TargetTreeBuildError(RuntimeError):
    """dbt could not build the target tree; carries the end of dbt's output."""


def dbt_executable() -> str:
    """The dbt next to this interpreter (the project's virtualenv), else the one on PATH."""
    candidate = Path(sys.executable).with_name("dbt")
    return str(candidate) if candidate.exists() else "dbt"


def copy_plan(plan_dir: Path, destination: Path) -> Path:
    """A private copy of the plan's CSV files (examples and other folders left out)."""
    destination.mkdir(parents=True, exist_ok=True)
    for path in sorted(Path(plan_dir).glob("*.csv")):
        shutil.copyfile(path, destination / path.name)
    return destination


def build_target_tree(
    *,
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
    """`dbt build` of the plan seeds and the target-tree models for the quarter range.

    The staging relations the models read must already exist in `warehouse_path`. Without
    `with_tests` only seeds and models run (a preview skips the data and unit tests, which
    need the org). Returns dbt's output; raises TargetTreeBuildError when dbt fails.
    """
    work_dir = Path(work_dir)
    plan_copy = copy_plan(plan_dir, work_dir / "plan")
    dbt_vars = {
        "quarter_start": quarter_start.isoformat(),
        "quarter_end": quarter_end.isoformat(),
        "as_of_date": as_of_date.isoformat(),
        "fiscal_year_start_month": fiscal_year_start_month,
    }
    command = [
        dbt_executable(),
        "build",
        "--project-dir",
        str(dbt_project_dir),
        "--profiles-dir",
        str(dbt_project_dir),
        "--target-path",
        str(work_dir / "target"),
        "--log-path",
        str(work_dir / "logs"),
        "--select",
        *TARGET_TREE_SELECTION,
        "--vars",
        json.dumps(dbt_vars, sort_keys=True),
    ]
    if not with_tests:
        command += ["--exclude-resource-type", "test", "unit_test"]
    environment = {
        **os.environ,
        "WAREHOUSE_PATH": str(warehouse_path),
        "SALES_TARGETS_PLAN_DIR": str(plan_copy),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        "DO_NOT_TRACK": "1",
    }
    result = subprocess.run(
        command,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
        cwd=work_dir,
    )
    output = result.stdout + result.stderr
    if result.returncode != 0:
        raise TargetTreeBuildError(
            f"dbt could not build the target tree for plan {plan_dir} "
            f"(exit {result.returncode}):\n{_failures(output)}"
        )
    return output


def _failures(output: str, limit: int = 40) -> str:
    """The lines of dbt's output that say what failed (or its end)."""
    lines = output.splitlines()
    start = next((i for i, line in enumerate(lines) if "Completed with" in line), None)
    picked = lines[start:] if start is not None else lines[-limit:]
    return "\n".join(picked[:limit])
