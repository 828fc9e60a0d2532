"""Which nodes (and metrics) the target tree has for a quarter of a plan.

The dbt models build the tree; the plan contract needs its node list before anything is
built, to tell a revision of `product/new units` (exists) from one of `product/new
customers` (no such target). A built tree cannot stand in for it: it leaves out every node
whose value is unknown (no baseline, no warehouse). So this catalogue is the contract's
own, pinned to dbt by tests/plan/test_plan_tree_dbt.py (catalogue == the nodes dbt built);
sets in effect come from orchestration.plan.sets, each rep's group from the resolved org.
Node ids are stable readable paths: `total`, `customer/new`, `product/new/sell_through_30d`,
`team/tier1/g-star-01/rep-017`, `responsibility/new_product_squad/g-np-squad-01`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd

from orchestration.plan.loading import Plan
from orchestration.plan.org import PlanOrg
from orchestration.plan.sets import in_effect, segments_in_effect

# KPI nodes hang under the segment they measure; their one metric is `rate`.
KPI_NODES: dict[str, tuple[str, ...]] = {
    "customer/existing": ("repurchase_rate", "aov_lift", "churn_recall_rate"),
    "customer/new": ("lead_conversion_rate",),
    "product/new": ("sell_through_30d",),
    "product/long_tail": ("inventory_reduction",),
}
# Segments with a count target next to their revenue.
SEGMENT_COUNT_METRICS: dict[str, str] = {
    "customer/new": "customers",
    "product/core": "units",
    "product/new": "units",
}


@dataclass
class TreeCatalogue:
    """node_id -> metrics, plus whether group/rep nodes could be listed (needs the org)."""

    metrics: dict[str, set[str]]
    org_known: bool

    def is_org_level(self, node_id: str) -> bool:
        """A group/rep/owner node: can only be listed with the org."""
        parts = node_id.split("/")
        return (parts[0] == "team" and len(parts) >= 3) or (
            parts[0] == "responsibility" and len(parts) >= 3
        )


def tree_catalogue(
    plan: Plan, quarter: str, quarter_start: date, org: PlanOrg | None
) -> TreeCatalogue:
    metrics: dict[str, set[str]] = {"total": {"revenue"}}
    segments = segments_in_effect(plan, quarter)
    for dimension in ("customer", "product"):
        for segment in segments.get(dimension, []):
            node = f"{dimension}/{segment}"
            metrics[node] = {"revenue"}
            if node in SEGMENT_COUNT_METRICS:
                metrics[node].add(SEGMENT_COUNT_METRICS[node])
            for kpi in KPI_NODES.get(node, ()):
                metrics[f"{node}/{kpi}"] = {"rate"}
    tiers = segments.get("team", [])
    for tier in tiers:
        metrics[f"team/{tier}"] = {"revenue"}
    groups_by_tier: dict[str, list[str]] = {}
    if org is not None:
        for group in org.groups.values():
            groups_by_tier.setdefault(group.region_tier, []).append(group.group_id)
    else:
        allocation = in_effect(plan["group_allocation"], quarter)
        for row in allocation.itertuples():
            if pd.notna(row.share):
                groups_by_tier.setdefault(row.region_tier, []).append(row.group_id)
    for tier in tiers:
        for group_id in groups_by_tier.get(tier, []):
            metrics[f"team/{tier}/{group_id}"] = {"revenue"}
            if org is not None:
                for rep_id in org.reps_of_group_on(group_id, quarter_start):
                    metrics[f"team/{tier}/{group_id}/{rep_id}"] = {"revenue"}
    responsibilities = in_effect(plan["responsibilities"], quarter)
    for row in responsibilities.itertuples():
        dimension, segment = row.source_node_id.split("/")
        if segment not in segments.get(dimension, []):
            continue
        node = f"responsibility/{row.responsibility}"
        metrics[node] = {"revenue"}
        if row.source_node_id in SEGMENT_COUNT_METRICS:
            metrics[node].add(SEGMENT_COUNT_METRICS[row.source_node_id])
        if org is None:
            continue
        if pd.notna(row.owner_group_kind):
            owners = [
                g.group_id
                for g in org.groups.values()
                if g.group_kind == row.owner_group_kind and g.region_tier in tiers
            ]
        else:
            owners = [
                rep_id
                for rep_id, rep in org.reps.items()
                if rep.role == row.owner_role
                and org.group_of_rep_on(rep_id, quarter_start) in org.groups
            ]
        for owner in owners:
            metrics[f"{node}/{owner}"] = {"revenue"}
    return TreeCatalogue(metrics=metrics, org_known=org is not None)
