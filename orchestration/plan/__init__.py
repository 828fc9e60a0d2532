"""The plan as code: load and check the plan files, and preview their target tree.

- `check_plan(plan_dir) -> list[PlanError]` / `validate_plan_or_raise(plan_dir)`: the plan
  contract (models/plan/ per file, orchestration/plan/rules.py across files).
- `show_plan(plan_dir, quarter, ...) -> PlanPreview`: the target tree of one quarter, built
  by dbt in a scratch DuckDB, without running the pipeline.
- `register_plan_commands(subparsers)`: adds `plan check|show|suggest` to the command line.

The planning rules are dbt's: the org is read from int_rep_assignments_resolved
(`org.load_org`), `plan suggest` reads int_plan_segments_resolved (`resolved.resolve_plan`);
only the contract's pre-build selection of the set in effect stays in Python (`sets`).
"""

from orchestration.plan.check import check_plan, validate_plan_or_raise
from orchestration.plan.cli import register_plan_commands
from orchestration.plan.errors import PlanContractError, PlanError
from orchestration.plan.preview import PlanPreview, TargetRow, show_plan

__all__ = [
    "PlanContractError",
    "PlanError",
    "PlanPreview",
    "TargetRow",
    "check_plan",
    "register_plan_commands",
    "show_plan",
    "validate_plan_or_raise",
]
