"""Rules on execution and incentives: actions, budgets, resources, commission and bonus sets."""

from __future__ import annotations

import pandas as pd

from models.plan import CUSTOMER_TYPES, PRODUCT_TIERS
from orchestration.plan.errors import PlanError
from orchestration.plan.loading import LINE, Plan, format_value
from orchestration.plan.org import PlanOrg
from orchestration.plan.rules.common import (
    SHARE_TOLERANCE,
    QuarterCalendar,
    line_numbers,
)


def actions_within_quarter_and_budget(
    plan: Plan, calendar: QuarterCalendar, org: PlanOrg | None
) -> list[PlanError]:
    """An action runs inside its quarter and draws on a budget line it fits in."""
    errors = []
    actions = plan["actions"]
    lines = plan["resources"][plan["resources"]["resource_kind"] == "budget"]
    line_budgets = {
        (row.quarter, row.resource_id): float(row.budget) for row in lines.itertuples(index=False)
    }
    for row in actions.itertuples(index=False):
        line = int(row.line)
        if row.quarter in calendar.lines:
            start, end = calendar.start(row.quarter), calendar.end(row.quarter)
            first, last = row.start_date.date(), row.end_date.date()
            if not (start <= first and last <= end):
                errors.append(
                    PlanError(
                        "actions.csv",
                        line,
                        "action_outside_quarter",
                        f"action {row.action_id} runs {first.isoformat()}..{last.isoformat()}, "
                        f"outside {row.quarter} ({start.isoformat()}..{end.isoformat()})",
                    )
                )
        if pd.notna(row.budget_line) and (row.quarter, row.budget_line) not in line_budgets:
            errors.append(
                PlanError(
                    "actions.csv",
                    line,
                    "unknown_budget_line",
                    f"budget_line {row.budget_line} is not a budget row of resources.csv "
                    f"for {row.quarter}",
                )
            )
    on_lines = actions.dropna(subset=["budget_line"])
    for (quarter, budget_line), rows in on_lines.groupby(["quarter", "budget_line"]):
        available = line_budgets.get((quarter, budget_line))
        spent = float(rows["budget"].fillna(0).sum())
        if available is not None and spent > available + 0.005:
            errors.append(
                PlanError(
                    "actions.csv",
                    int(rows[LINE].min()),
                    "actions_exceed_budget_line",
                    f"actions on budget line {budget_line} in {quarter} ({line_numbers(rows)}) "
                    f"budget {spent:.2f}, more than the line's {available:.2f}",
                )
            )
    return errors


def resources_fit(plan: Plan, calendar: QuarterCalendar, org: PlanOrg | None) -> list[PlanError]:
    """Budget lines share at most the whole marketing budget; people go to known groups."""
    errors = []
    resources = plan["resources"]
    lines = resources[resources["resource_kind"] == "budget"]
    for quarter, rows in lines.groupby("quarter"):
        total = float(rows["marketing_budget_share"].sum())
        if total > 1 + SHARE_TOLERANCE:
            errors.append(
                PlanError(
                    "resources.csv",
                    int(rows[LINE].min()),
                    "budget_shares_exceed_marketing_budget",
                    f"budget lines of {quarter} ({line_numbers(rows)}) take {total:.10g} of the "
                    "marketing budget, more than all of it",
                )
            )
    if org is not None:
        people = resources[resources["resource_kind"] == "people"]
        for row in people.itertuples(index=False):
            if row.group_id not in org.groups:
                errors.append(
                    PlanError(
                        "resources.csv",
                        int(row.line),
                        "unknown_group",
                        f"group_id {row.group_id} is not a sales group in the CRM",
                    )
                )
    return errors


def incentive_sets_complete(
    plan: Plan, calendar: QuarterCalendar, org: PlanOrg | None
) -> list[PlanError]:
    """A commission set prices every customer type x product tier; bonus tiers that ask
    for more attainment never pay less."""
    errors = []
    rates = plan["commission_rates"]
    for from_quarter, rows in rates.groupby("from_quarter"):
        given = set(zip(rows["customer_type"], rows["product_tier"], strict=True))
        missing = [
            f"{customer_type} x {tier}"
            for customer_type in CUSTOMER_TYPES
            for tier in PRODUCT_TIERS
            if (customer_type, tier) not in given
        ]
        if missing:
            errors.append(
                PlanError(
                    "commission_rates.csv",
                    int(rows[LINE].min()),
                    "commission_matrix_incomplete",
                    f"the commission matrix from {from_quarter} ({line_numbers(rows)}) has no rate "
                    f"for {', '.join(missing)}",
                )
            )
    tiers = plan["bonus_tiers"]
    for _from_quarter, rows in tiers.groupby("from_quarter"):
        ordered = rows.sort_values(["min_attainment", LINE])
        previous = None
        for row in ordered.itertuples(index=False):
            if previous is not None and row.salary_multiple < previous.salary_multiple:
                errors.append(
                    PlanError(
                        "bonus_tiers.csv",
                        int(row.line),
                        "bonus_tiers_not_increasing",
                        f"tier {row.tier} (from {format_value(row.min_attainment)}) pays "
                        f"{format_value(row.salary_multiple)} x salary, less than tier "
                        f"{previous.tier} (from {format_value(previous.min_attainment)}, "
                        f"{format_value(previous.salary_multiple)})",
                    )
                )
            previous = row
    return errors
