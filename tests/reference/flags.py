"""The warning flags recomputed from their documented rule (docs/plan.md, "When a node is
flagged"), from the published weekly figures and warning_lines.csv, without the dbt models.

The weekly figures themselves are checked against the source files by the node-actual
recomputation; this checks the judgment made on them.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pandas as pd

from orchestration.dbt_vars import dbt_project_var, default_warning_lines
from tests.reference.reference import Quarter

# the rule's parameters, as dbt_project.yml states them (the rule itself is recomputed here)
DEFAULT_AMBER, DEFAULT_RED = default_warning_lines()
REP_MINIMUM_TO_DATE = float(dbt_project_var("rep_warning_minimum_to_date"))


def _lines(plan_dir: Path, quarter: str) -> dict[str, tuple[float, float]]:
    lines = pd.read_csv(plan_dir / "warning_lines.csv")
    in_effect = lines[lines.from_quarter == lines.from_quarter[lines.from_quarter <= quarter].max()]
    return {
        row.metric: (float(row.amber_below), float(row.red_below)) for row in in_effect.itertuples()
    }


def _line_of(lines: dict, node_id: str, metric: str) -> tuple[float, float]:
    if metric == "rate":
        names = [node_id.split("/")[2], "rate"]
    elif metric == "customers":
        names = ["new_customers", "customers"]
    else:
        names = [metric, "rate"]
    for name in names:
        if name in lines:
            return lines[name]
    return DEFAULT_AMBER, DEFAULT_RED


def _ratio(actual, target) -> float | None:
    if actual is None or target is None or pd.isna(target) or float(target) == 0:
        return None
    return max(float(actual) / float(target), 0.0)


def judged_completion(row, quarter: Quarter) -> float | None:
    """The completion the flag of one node-week judges, or None when it is not judged."""
    if row.quarter_target is None or pd.isna(row.quarter_target) or float(row.quarter_target) <= 0:
        return None
    week_end = min(row.week_start + timedelta(days=6), quarter.end)
    if row.reported_through < week_end:
        return None  # the week is still in progress
    if row.week_target is None or float(row.week_target) <= 0:
        return None  # nothing was due in the week (no working day)
    to_date = _ratio(row.actual_to_date, row.target_to_date)
    if row.metric == "rate":
        return to_date
    is_rep = row.dimension == "team" and row.level == 3
    if is_rep or row.dimension == "responsibility":
        due = row.target_to_date
        if row.metric == "revenue" and (due is None or float(due) < REP_MINIMUM_TO_DATE):
            return None
        return to_date
    if to_date is not None and to_date >= 1:
        return to_date
    week = _ratio(row.week_actual, row.week_target)
    if week is None or to_date is None:
        return week if to_date is None else to_date
    return min(week, to_date)  # behind to date, or in the week: whichever is further behind


def expected_flags(
    progress: pd.DataFrame, quarters: list[Quarter], plan_dir: Path
) -> dict[tuple, str]:
    """(quarter, week_start, node_id, metric) -> on_track, amber or red, for every judged
    node-week of `progress` (rows of rpt_progress_weekly)."""
    by_label = {q.label: q for q in quarters}
    flags = {}
    for label, weeks in progress.groupby("quarter"):
        lines = _lines(plan_dir, label)
        for row in weeks.itertuples():
            completion = judged_completion(row, by_label[label])
            if completion is None:
                continue
            amber, red = _line_of(lines, row.node_id, row.metric)
            flag = "red" if completion < red else "amber" if completion < amber else "on_track"
            flags[(label, row.week_start, row.node_id, row.metric)] = flag
    return flags
