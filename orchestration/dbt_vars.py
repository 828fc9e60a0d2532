"""The plan defaults dbt_project.yml states once (its `vars:`), for the Python that needs them.

The default warning lines, the action KPI line and the suggested growth live in one place:
the dbt models read them with `var()` and the report and the plan checks read them here,
so changing a default is one edit.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import yaml

from orchestration.settings import Settings


@cache
def _project_vars(dbt_project_dir: Path) -> dict[str, object]:
    path = Path(dbt_project_dir) / "dbt_project.yml"
    with path.open(encoding="utf-8") as handle:
        project = yaml.safe_load(handle)
    return dict(project.get("vars") or {})


def dbt_project_var(name: str, dbt_project_dir: Path | None = None) -> object:
    """A var of dbt_project.yml; KeyError names the file when it has no such var."""
    directory = Path(dbt_project_dir or Settings.from_env().dbt_project_dir)
    project_vars = _project_vars(directory)
    if name not in project_vars:
        raise KeyError(f"{directory / 'dbt_project.yml'} has no var {name!r} under `vars:`")
    return project_vars[name]


def default_warning_lines(dbt_project_dir: Path | None = None) -> tuple[float, float]:
    """(amber_below, red_below) a metric falls back on without a line in warning_lines.csv."""
    return (
        float(dbt_project_var("default_amber_below", dbt_project_dir)),
        float(dbt_project_var("default_red_below", dbt_project_dir)),
    )
