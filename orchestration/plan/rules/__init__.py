"""Rules that span rows or files of the plan (each file's own rules are in models/plan/).

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

from orchestration.plan.errors import PlanError
from orchestration.plan.loading import Plan
from orchestration.plan.org import PlanOrg
from orchestration.plan.rules.common import QuarterCalendar
from orchestration.plan.rules.execution import (
    actions_within_quarter_and_budget,
    incentive_sets_complete,
    resources_fit,
)
from orchestration.plan.rules.keys import duplicate_keys, sets_in_effect, unknown_quarters
from orchestration.plan.rules.org import org_references
from orchestration.plan.rules.tree import (
    group_shares_within_region,
    regions_and_sources_exist,
    revisions_valid,
    shares_sum_to_one,
    weeks_inside_quarter,
)

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


__all__ = ["CROSS_FILE_RULES", "QuarterCalendar", "Rule", "required_quarters_planned"]
