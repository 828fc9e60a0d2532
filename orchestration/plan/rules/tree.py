"""Rules on the target tree's inputs: shares, regions and sources, weeks, revisions."""

from __future__ import annotations

from datetime import date

from orchestration.plan.errors import PlanError
from orchestration.plan.loading import LINE, Plan
from orchestration.plan.nodes import tree_catalogue
from orchestration.plan.org import PlanOrg
from orchestration.plan.rules.common import (
    SHARE_TOLERANCE,
    QuarterCalendar,
    line_numbers,
    quarters_using,
)
from orchestration.plan.sets import segments_in_effect


def shares_sum_to_one(
    plan: Plan, calendar: QuarterCalendar, org: PlanOrg | None
) -> list[PlanError]:
    errors = []
    shares = plan["dimension_shares"]
    for (from_quarter, dimension), rows in shares.groupby(["from_quarter", "dimension"]):
        total = float(rows["share"].sum())
        if abs(total - 1) > SHARE_TOLERANCE:
            errors.append(
                PlanError(
                    "dimension_shares.csv",
                    int(rows[LINE].min()),
                    "shares_sum_to_one",
                    f"{dimension} shares from {from_quarter} ({line_numbers(rows)}) sum to "
                    f"{total:.10g}, not 1",
                )
            )
    return errors


def group_shares_within_region(
    plan: Plan, calendar: QuarterCalendar, org: PlanOrg | None
) -> list[PlanError]:
    errors = []
    explicit = plan["group_allocation"].dropna(subset=["share"])
    for (from_quarter, tier), rows in explicit.groupby(["from_quarter", "region_tier"]):
        total = float(rows["share"].sum())
        if total > 1 + SHARE_TOLERANCE:
            errors.append(
                PlanError(
                    "group_allocation.csv",
                    int(rows[LINE].min()),
                    "group_shares_exceed_region",
                    f"explicit group shares of {tier} from {from_quarter} "
                    f"({line_numbers(rows)}) sum to "
                    f"{total:.10g}, more than the whole region",
                )
            )
    return errors


def regions_and_sources_exist(
    plan: Plan, calendar: QuarterCalendar, org: PlanOrg | None
) -> list[PlanError]:
    """Group regions and responsibility sources must have a share where they apply."""
    errors = []
    allocation = plan["group_allocation"]
    for row in allocation.itertuples(index=False):
        for quarter in quarters_using(row.from_quarter, calendar, list(allocation.from_quarter)):
            tiers = segments_in_effect(plan, quarter).get("team", [])
            if row.region_tier not in tiers:
                errors.append(
                    PlanError(
                        "group_allocation.csv",
                        int(row.line),
                        "unknown_region",
                        f"region_tier {row.region_tier} has no team share in {quarter} "
                        f"(team segments then: {', '.join(tiers) or 'none'})",
                    )
                )
                break
    responsibilities = plan["responsibilities"]
    for row in responsibilities.itertuples(index=False):
        dimension, segment = row.source_node_id.split("/")
        for quarter in quarters_using(
            row.from_quarter, calendar, list(responsibilities.from_quarter)
        ):
            if segment not in segments_in_effect(plan, quarter).get(dimension, []):
                errors.append(
                    PlanError(
                        "responsibilities.csv",
                        int(row.line),
                        "unknown_source_node",
                        f"source_node_id {row.source_node_id} is not a node in {quarter} "
                        f"({dimension} segment {segment} has no share then)",
                    )
                )
                break
    return errors


def weeks_inside_quarter(
    plan: Plan, calendar: QuarterCalendar, org: PlanOrg | None
) -> list[PlanError]:
    errors = []
    for row in plan["weekly_phasing"].itertuples(index=False):
        if row.quarter not in calendar.lines:
            continue  # reported as unknown_quarter
        weeks = calendar.weeks(row.quarter)
        if row.week_number > weeks:
            errors.append(
                PlanError(
                    "weekly_phasing.csv",
                    int(row.line),
                    "week_outside_quarter",
                    f"week_number {row.week_number} is past the last week of {row.quarter}, "
                    f"which has {weeks} weeks",
                )
            )
    return errors


def revisions_valid(plan: Plan, calendar: QuarterCalendar, org: PlanOrg | None) -> list[PlanError]:
    errors = []
    revisions = plan["plan_revisions"]
    seen: dict[tuple[str, str, str, date], int] = {}
    catalogues = {}
    for row in revisions.sort_values(LINE).itertuples(index=False):
        line = int(row.line)
        effective = row.effective_date.date()
        key = (row.quarter, row.node_id, row.metric, effective)
        if key in seen:
            errors.append(
                PlanError(
                    "plan_revisions.csv",
                    line,
                    "revision_dates_overlap",
                    f"{row.node_id} {row.metric} in {row.quarter} already changes on "
                    f"{effective.isoformat()} (line {seen[key]}): give each revision its own "
                    "effective date, or merge them",
                )
            )
        else:
            seen[key] = line
        if row.quarter not in calendar.lines:
            continue  # reported as unknown_quarter
        start, end = calendar.start(row.quarter), calendar.end(row.quarter)
        if not start <= effective <= end:
            errors.append(
                PlanError(
                    "plan_revisions.csv",
                    line,
                    "revision_outside_quarter",
                    f"effective_date {effective.isoformat()} is outside {row.quarter} "
                    f"({start.isoformat()}..{end.isoformat()})",
                )
            )
        if row.quarter not in catalogues:
            catalogues[row.quarter] = tree_catalogue(plan, row.quarter, start, org)
        catalogue = catalogues[row.quarter]
        metrics = catalogue.metrics.get(row.node_id)
        if metrics is None and not catalogue.org_known and catalogue.is_org_level(row.node_id):
            # a group, rep or owner: without the org only its region / slice can be checked
            anchor = "/".join(row.node_id.split("/")[:2])
            metrics = {"revenue"} if anchor in catalogue.metrics else None
        if metrics is None:
            errors.append(
                PlanError(
                    "plan_revisions.csv",
                    line,
                    "unknown_node",
                    f"node_id {row.node_id} is not a node of the {row.quarter} target tree",
                )
            )
        elif row.metric not in metrics:
            errors.append(
                PlanError(
                    "plan_revisions.csv",
                    line,
                    "metric_not_on_node",
                    f"{row.node_id} has no {row.metric} target (it has: "
                    f"{', '.join(sorted(metrics))})",
                )
            )
    return errors
