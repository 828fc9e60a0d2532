"""The organisation a plan refers to (groups, reps, each rep's group over time), from the warehouse.

Plan files name CRM groups and reps; whether they exist is only known where the CRM has
been loaded. Which group a rep is in on a day is dbt's rule (`int_rep_assignments_resolved`:
non-overlapping spans); here it is only looked up. Without a warehouse, or before the
pipeline has built that model, the org-dependent rules are skipped and say so.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

import duckdb

from orchestration.warehouse import relation_exists

RESOLVED_ORG_RELATION = "intermediate.int_rep_assignments_resolved"


@dataclass(frozen=True)
class OrgGroup:
    group_id: str
    group_name: str
    region_tier: str | None  # the CRM's, until `PlanOrg.classified_by` applies the plan's
    group_kind: str | None
    region_id: str | None = None


@dataclass(frozen=True)
class OrgRep:
    rep_id: str
    rep_name: str
    role: str


@dataclass(frozen=True)
class OrgSpan:
    """One row of int_rep_assignments_resolved: the rep's group from valid_from (inclusive)
    until valid_until (exclusive; None while current). A rep's spans never overlap."""

    rep_id: str
    group_id: str
    valid_from: date
    valid_until: date | None


@dataclass
class PlanOrg:
    """Groups, reps and the resolved spans of each rep's group, as the warehouse holds them."""

    groups: dict[str, OrgGroup] = field(default_factory=dict)
    reps: dict[str, OrgRep] = field(default_factory=dict)
    spans: list[OrgSpan] = field(default_factory=list)

    def group_of_rep_on(self, rep_id: str, day: date) -> str | None:
        """The group of the span covering `day`, None when the rep has none then."""
        return next(
            (
                span.group_id
                for span in self.spans
                if span.rep_id == rep_id
                and span.valid_from <= day
                and (span.valid_until is None or day < span.valid_until)
            ),
            None,
        )

    def classified_by(self, region_tiers: dict[str, str], group_kinds: dict[str, str]) -> PlanOrg:
        """The org with the plan's tiers and kinds (region_tiers.csv, group_kinds.csv) over
        the CRM's, as int_sales_groups_classified applies them."""
        groups = {
            group_id: replace(
                group,
                region_tier=region_tiers.get(group.region_id or "", group.region_tier),
                group_kind=group_kinds.get(group_id, group.group_kind),
            )
            for group_id, group in self.groups.items()
        }
        return PlanOrg(groups=groups, reps=self.reps, spans=self.spans)

    def reps_of_group_on(self, group_id: str, day: date) -> list[str]:
        return sorted(rep for rep in self.reps if self.group_of_rep_on(rep, day) == group_id)


ORG_QUERIES = {
    "groups": """
        select g.group_id, coalesce(g.group_name, g.group_id), r.tier, g.group_kind, g.region_id
        from staging.stg_crm__sales_groups as g
        join staging.stg_crm__regions as r on r.region_id = g.region_id
    """,
    "reps": "select rep_id, coalesce(rep_name, rep_id), role from staging.stg_crm__reps",
    "spans": f"select rep_id, group_id, valid_from, valid_until from {RESOLVED_ORG_RELATION}",
}


def has_resolved_org(connection: duckdb.DuckDBPyConnection) -> bool:
    schema, name = RESOLVED_ORG_RELATION.split(".")
    return relation_exists(connection, schema, name)


def org_from_connection(connection: duckdb.DuckDBPyConnection) -> PlanOrg:
    groups = connection.execute(ORG_QUERIES["groups"]).fetchall()
    reps = connection.execute(ORG_QUERIES["reps"]).fetchall()
    spans = connection.execute(ORG_QUERIES["spans"]).fetchall()
    return PlanOrg(
        groups={row[0]: OrgGroup(*row) for row in groups},
        reps={row[0]: OrgRep(*row) for row in reps},
        spans=[OrgSpan(*row) for row in spans],
    )


def load_org(warehouse_path: Path) -> tuple[PlanOrg | None, str]:
    """The org from the warehouse, or None and why it is not available."""
    if not Path(warehouse_path).exists():
        return None, f"no warehouse at {warehouse_path}"
    try:
        with duckdb.connect(str(warehouse_path), read_only=True) as connection:
            if not has_resolved_org(connection):
                return None, (
                    f"the warehouse {warehouse_path} has no {RESOLVED_ORG_RELATION} yet "
                    "(the pipeline builds it with the target tree): run the pipeline once"
                )
            org = org_from_connection(connection)
    except duckdb.Error as exc:
        first_line = str(exc).splitlines()[0]
        return None, f"cannot read the org from {warehouse_path}: {first_line}"
    if not org.groups:
        return None, f"the warehouse {warehouse_path} holds no sales groups yet"
    return org, f"checked against the org in {warehouse_path}"
