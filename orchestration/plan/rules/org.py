"""Rules that need the org: groups, reps and their shares exist as the CRM knows them."""

from __future__ import annotations

from orchestration.plan.errors import PlanError
from orchestration.plan.loading import LINE, Plan
from orchestration.plan.org import PlanOrg
from orchestration.plan.rules.common import (
    SHARE_TOLERANCE,
    QuarterCalendar,
    line_numbers,
    quarters_using,
)


def org_references(plan: Plan, calendar: QuarterCalendar, org: PlanOrg | None) -> list[PlanError]:
    """Groups and reps named in the plan exist in the CRM (only with the org at hand)."""
    if org is None:
        return []
    errors = []
    allocation = plan["group_allocation"]
    for row in allocation.itertuples(index=False):
        group = org.groups.get(row.group_id)
        if group is None:
            errors.append(
                PlanError(
                    "group_allocation.csv",
                    int(row.line),
                    "unknown_group",
                    f"group_id {row.group_id} is not a sales group in the CRM",
                )
            )
        elif group.region_tier != row.region_tier:
            errors.append(
                PlanError(
                    "group_allocation.csv",
                    int(row.line),
                    "group_in_other_region",
                    f"group {row.group_id} belongs to region tier {group.region_tier} in the CRM, "
                    f"not {row.region_tier}",
                )
            )
    errors.extend(_tiers_and_kinds(plan, org))
    overrides = plan["rep_overrides"]
    for row in overrides.itertuples(index=False):
        if row.rep_id not in org.reps:
            errors.append(
                PlanError(
                    "rep_overrides.csv",
                    int(row.line),
                    "unknown_rep",
                    f"rep_id {row.rep_id} is not a rep in the CRM",
                )
            )
    explicit = overrides.dropna(subset=["share"])
    for from_quarter, rows in explicit.groupby("from_quarter"):
        for quarter in quarters_using(from_quarter, calendar, list(overrides.from_quarter)):
            first_day = calendar.start(quarter)
            by_group: dict[str, list[int]] = {}
            for row in rows.itertuples(index=False):
                group_id = org.group_of_rep_on(row.rep_id, first_day)
                if group_id is not None:
                    by_group.setdefault(group_id, []).append(int(row.line))
            for group_id, lines in by_group.items():
                group_rows = rows[rows[LINE].isin(lines)]
                total = float(group_rows["share"].sum())
                if total > 1 + SHARE_TOLERANCE:
                    errors.append(
                        PlanError(
                            "rep_overrides.csv",
                            int(min(lines)),
                            "rep_shares_exceed_group",
                            f"explicit rep shares in group {group_id} in {quarter} "
                            f"({line_numbers(group_rows)}) sum to {total:.10g}, "
                            "more than the whole group",
                        )
                    )
    return errors


def _tiers_and_kinds(plan: Plan, org: PlanOrg) -> list[PlanError]:
    """region_tiers.csv and group_kinds.csv name CRM regions and groups, and every group's
    region has a tier (the plan's or the CRM's): without one its reps get no target."""
    errors = []
    regions = {group.region_id for group in org.groups.values()}
    for row in plan["region_tiers"].itertuples(index=False):
        if row.region_id not in regions:
            errors.append(
                PlanError(
                    "region_tiers.csv",
                    int(row.line),
                    "unknown_region",
                    f"region_id {row.region_id} is not the region of any sales group in the CRM",
                )
            )
    for row in plan["group_kinds"].itertuples(index=False):
        if row.group_id not in org.groups:
            errors.append(
                PlanError(
                    "group_kinds.csv",
                    int(row.line),
                    "unknown_group",
                    f"group_id {row.group_id} is not a sales group in the CRM",
                )
            )
    untiered = sorted(
        {group.region_id or "(none)" for group in org.groups.values() if not group.region_tier}
    )
    for region_id in untiered:
        errors.append(
            PlanError(
                "region_tiers.csv",
                None,
                "region_without_tier",
                f"region {region_id} has sales groups but no tier in the CRM: add a row "
                f"'{region_id},<tier>' naming the team segment its groups count in",
            )
        )
    return errors
