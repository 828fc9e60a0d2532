"""Rules that span rows or files of the plan (each file's own rules are in models/plan.py).

Every rule returns PlanErrors naming the file, the line and the rule. Rule ids:
duplicate_key, unknown_quarter, quarter_not_planned, no_set_in_effect, shares_sum_to_one,
group_shares_exceed_region, unknown_region, unknown_source_node, week_outside_quarter,
revision_outside_quarter, revision_dates_overlap, unknown_node, metric_not_on_node, and
with the org: unknown_group, group_in_other_region, unknown_rep, rep_shares_exceed_group.
Execution and incentives: action_outside_quarter, unknown_budget_line,
actions_exceed_budget_line, budget_shares_exceed_marketing_budget,
commission_matrix_incomplete, bonus_tiers_not_increasing (and unknown_group for people added).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, timedelta

import pandas as pd

from models.plan import CUSTOMER_TYPES, DIMENSION_SEGMENTS, PRODUCT_TIERS
from orchestration.partitions import parse_quarter, quarter_end_of
from orchestration.plan.errors import PlanError
from orchestration.plan.loading import LINE, Plan, file_name, format_value
from orchestration.plan.nodes import in_effect, segments_in_effect, tree_catalogue
from orchestration.plan.org import PlanOrg

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
}
# Files whose rows are versioned by from_quarter, and files that point at a quarter.
FROM_QUARTER_FILES = [name for name, key in FILE_KEYS.items() if key[0] == "from_quarter"]
QUARTER_FILES = ["weekly_phasing", "plan_revisions", "actions", "resources"]


def _lines(rows: pd.DataFrame) -> str:
    lines = sorted(int(line) for line in rows[LINE])
    if len(lines) == 1:
        return f"line {lines[0]}"
    return "lines " + ", ".join(str(line) for line in lines)


def _key_text(columns: Iterable[str], values: Iterable[object]) -> str:
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


def duplicate_keys(plan: Plan, calendar: QuarterCalendar, org: PlanOrg | None) -> list[PlanError]:
    errors = []
    for name, key in FILE_KEYS.items():
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
                    f"{_key_text(key, values)} is already given on line {int(first[LINE].min())}",
                )
            )
    return errors


def unknown_quarters(plan: Plan, calendar: QuarterCalendar, org: PlanOrg | None) -> list[PlanError]:
    planned = set(calendar.labels)
    errors = []
    for name in [*FROM_QUARTER_FILES, *QUARTER_FILES]:
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
                    f"{dimension} shares from {from_quarter} ({_lines(rows)}) sum to "
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
                    f"explicit group shares of {tier} from {from_quarter} ({_lines(rows)}) sum to "
                    f"{total:.10g}, more than the whole region",
                )
            )
    return errors


def _quarters_using(set_start: str, calendar: QuarterCalendar, set_starts: list[str]) -> list[str]:
    """Planned quarters in which the set starting at `set_start` is the one in effect."""
    later = sorted(start for start in set(set_starts) if start > set_start)
    until = later[0] if later else None
    return [q for q in calendar.labels if q >= set_start and (until is None or q < until)]


def regions_and_sources_exist(
    plan: Plan, calendar: QuarterCalendar, org: PlanOrg | None
) -> list[PlanError]:
    """Group regions and responsibility sources must have a share where they apply."""
    errors = []
    allocation = plan["group_allocation"]
    for row in allocation.itertuples(index=False):
        for quarter in _quarters_using(row.from_quarter, calendar, list(allocation.from_quarter)):
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
        for quarter in _quarters_using(
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
        for quarter in _quarters_using(from_quarter, calendar, list(overrides.from_quarter)):
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
                            f"({_lines(group_rows)}) sum to {total:.10g}, "
                            "more than the whole group",
                        )
                    )
    return errors


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
                    f"actions on budget line {budget_line} in {quarter} ({_lines(rows)}) "
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
                    f"budget lines of {quarter} ({_lines(rows)}) take {total:.10g} of the "
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
                    f"the commission matrix from {from_quarter} ({_lines(rows)}) has no rate "
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


Rule = Callable[[Plan, QuarterCalendar, PlanOrg | None], list[PlanError]]

CROSS_FILE_RULES: tuple[Rule, ...] = (
    duplicate_keys,
    unknown_quarters,
    sets_in_effect,
    shares_sum_to_one,
    group_shares_within_region,
    regions_and_sources_exist,
    weeks_inside_quarter,
    revisions_valid,
    org_references,
    actions_within_quarter_and_budget,
    resources_fit,
    incentive_sets_complete,
)


def required_quarters_planned(
    calendar: QuarterCalendar, required: Iterable[str]
) -> list[PlanError]:
    return [
        PlanError(
            "quarter_totals.csv",
            None,
            "quarter_not_planned",
            f"quarter {quarter} is to be built but has no row ({calendar.describe()})",
        )
        for quarter in required
        if quarter not in calendar.lines
    ]
