"""Rules on keys and quarters: no duplicate key, no unknown quarter, a set in effect for
every planned quarter."""

from __future__ import annotations

import pandas as pd

from models.plan import DIMENSION_SEGMENTS
from orchestration.plan.errors import PlanError
from orchestration.plan.loading import LINE, Plan, file_name
from orchestration.plan.org import PlanOrg
from orchestration.plan.rules.common import (
    FILE_KEYS,
    FROM_QUARTER_FILES,
    QUARTER_FILES,
    QuarterCalendar,
    key_text,
)
from orchestration.plan.sets import in_effect, segments_in_effect


def duplicate_keys(plan: Plan, calendar: QuarterCalendar, org: PlanOrg | None) -> list[PlanError]:
    errors = []
    for name, key in FILE_KEYS.items():
        if not plan.has(name):
            continue
        frame = plan[name]
        duplicated = frame[frame.duplicated(list(key), keep="first")]
        for row in duplicated.itertuples(index=False):
            values = [getattr(row, column) for column in key]
            first = frame[(frame[list(key)] == pd.Series(values, index=list(key))).all(axis=1)]
            errors.append(
                PlanError(
                    file_name(name),
                    int(getattr(row, LINE)),
                    "duplicate_key",
                    f"{key_text(key, values)} is already given on line {int(first[LINE].min())}",
                )
            )
    return errors


def unknown_quarters(plan: Plan, calendar: QuarterCalendar, org: PlanOrg | None) -> list[PlanError]:
    planned = set(calendar.labels)
    errors = []
    for name in [*FROM_QUARTER_FILES, *QUARTER_FILES]:
        if not plan.has(name):
            continue
        column = "from_quarter" if name in FROM_QUARTER_FILES else "quarter"
        for row in plan[name].itertuples(index=False):
            value = getattr(row, column)
            if value not in planned:
                errors.append(
                    PlanError(
                        file_name(name),
                        int(getattr(row, LINE)),
                        "unknown_quarter",
                        f"{column} {value} is not a planned quarter ({calendar.describe()})",
                    )
                )
    return errors


def sets_in_effect(plan: Plan, calendar: QuarterCalendar, org: PlanOrg | None) -> list[PlanError]:
    """Every planned quarter needs shares for each dimension and KPI targets."""
    errors = []
    for quarter in calendar.labels:
        segments = segments_in_effect(plan, quarter)
        for dimension in DIMENSION_SEGMENTS:
            if dimension not in segments:
                errors.append(
                    PlanError(
                        "dimension_shares.csv",
                        None,
                        "no_set_in_effect",
                        f"quarter {quarter} has no {dimension} shares: add {dimension} rows with "
                        f"from_quarter {quarter} or earlier",
                    )
                )
        if in_effect(plan["kpi_targets"], quarter).empty:
            errors.append(
                PlanError(
                    "kpi_targets.csv",
                    None,
                    "no_set_in_effect",
                    f"quarter {quarter} has no KPI targets: add a row with from_quarter {quarter} "
                    "or earlier",
                )
            )
    return errors
