"""What the cross-file rules share: each file's key, the planned quarters, how rows are named."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

import pandas as pd

from orchestration.partitions import parse_quarter, quarter_end_of
from orchestration.plan.loading import LINE, Plan, format_value

SHARE_TOLERANCE = 1e-9

# The columns that identify a row of each file (revisions have their own overlap rule).
FILE_KEYS: dict[str, tuple[str, ...]] = {
    "quarter_totals": ("quarter",),
    "dimension_shares": ("from_quarter", "dimension", "segment"),
    "group_kind_weights": ("from_quarter", "group_kind"),
    "group_allocation": ("from_quarter", "group_id"),
    "role_weights": ("from_quarter", "role"),
    "rep_overrides": ("from_quarter", "rep_id"),
    "kpi_targets": ("from_quarter",),
    "responsibilities": ("from_quarter", "responsibility"),
    "warning_lines": ("from_quarter", "metric"),
    "holidays": ("holiday_date",),
    "weekly_phasing": ("quarter", "week_number"),
    "actions": ("quarter", "action_id"),
    "resources": ("quarter", "resource_id"),
    "commission_rates": ("from_quarter", "customer_type", "product_tier"),
    "bonus_tiers": ("from_quarter", "tier"),
    "awards": ("from_quarter", "award"),
    "region_tiers": ("region_id",),
    "group_kinds": ("group_id",),
}
# Files whose rows are versioned by from_quarter, and files that point at a quarter.
FROM_QUARTER_FILES = [name for name, key in FILE_KEYS.items() if key[0] == "from_quarter"]
QUARTER_FILES = ["weekly_phasing", "plan_revisions", "actions", "resources"]


def line_numbers(rows: pd.DataFrame) -> str:
    lines = sorted(int(line) for line in rows[LINE])
    if len(lines) == 1:
        return f"line {lines[0]}"
    return "lines " + ", ".join(str(line) for line in lines)


def key_text(columns: Iterable[str], values: Iterable[object]) -> str:
    return ", ".join(
        f"{column} {format_value(value)}" for column, value in zip(columns, values, strict=True)
    )


class QuarterCalendar:
    """Planned quarters and their dates."""

    def __init__(self, plan: Plan, fiscal_year_start_month: int) -> None:
        self.labels = sorted(plan["quarter_totals"]["quarter"])
        self.fiscal_year_start_month = fiscal_year_start_month
        self.lines = dict(
            zip(plan["quarter_totals"]["quarter"], plan["quarter_totals"][LINE], strict=True)
        )

    def start(self, label: str) -> date:
        return parse_quarter(label, self.fiscal_year_start_month)

    def end(self, label: str) -> date:
        return quarter_end_of(self.start(label))

    def weeks(self, label: str) -> int:
        """Monday-to-Sunday weeks that touch the quarter (week 1 holds its first day)."""
        start = self.start(label)
        first_monday = start - timedelta(days=start.weekday())
        return (self.end(label) - first_monday).days // 7 + 1

    def describe(self) -> str:
        if not self.labels:
            return "quarter_totals.csv plans no quarter"
        return f"quarter_totals.csv plans {self.labels[0]}..{self.labels[-1]}"


def quarters_using(set_start: str, calendar: QuarterCalendar, set_starts: list[str]) -> list[str]:
    """Planned quarters in which the set starting at `set_start` is the one in effect."""
    later = sorted(start for start in set(set_starts) if start > set_start)
    until = later[0] if later else None
    return [q for q in calendar.labels if q >= set_start and (until is None or q < until)]
