"""The organisation a plan refers to (groups, reps, assignments), read from the warehouse.

Plan files name CRM groups and reps; whether they exist is only known where the CRM has
been loaded. Without a warehouse the org-dependent rules are skipped and say so.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import duckdb


@dataclass(frozen=True)
class OrgGroup:
    group_id: str
    group_name: str
    region_tier: str
    group_kind: str


@dataclass(frozen=True)
class OrgRep:
    rep_id: str
    rep_name: str
    role: str


@dataclass(frozen=True)
class Assignment:
    rep_id: str
    group_id: str
    valid_from: date
    valid_to: date | None  # exclusive; None while current


@dataclass
class PlanOrg:
    """Groups, reps and their assignments as the CRM knows them."""

    groups: dict[str, OrgGroup] = field(default_factory=dict)
    reps: dict[str, OrgRep] = field(default_factory=dict)
    assignments: list[Assignment] = field(default_factory=list)

    def group_of_rep_on(self, rep_id: str, day: date) -> str | None:
        """The rep's group on `day` (the latest assignment valid that day)."""
        valid = [
            a
            for a in self.assignments
            if a.rep_id == rep_id
            and a.valid_from <= day
            and (a.valid_to is None or a.valid_to > day)
        ]
        return max(valid, key=lambda a: a.valid_from).group_id if valid else None

    def reps_of_group_on(self, group_id: str, day: date) -> list[str]:
        return sorted(rep for rep in self.reps if self.group_of_rep_on(rep, day) == group_id)


ORG_QUERIES = {
    "groups": """
        select g.group_id, coalesce(g.group_name, g.group_id), r.tier, g.group_kind
        from staging.stg_crm__sales_groups as g
        join staging.stg_crm__regions as r on r.region_id = g.region_id
    """,
    "reps": "select rep_id, coalesce(rep_name, rep_id), role from staging.stg_crm__reps",
    "assignments": """
        select rep_id, group_id, valid_from, valid_to from staging.stg_crm__rep_assignments
        where valid_from is not null
    """,
}


def org_from_connection(connection: duckdb.DuckDBPyConnection) -> PlanOrg:
    groups = connection.execute(ORG_QUERIES["groups"]).fetchall()
    reps = connection.execute(ORG_QUERIES["reps"]).fetchall()
    assignments = connection.execute(ORG_QUERIES["assignments"]).fetchall()
    return PlanOrg(
        groups={row[0]: OrgGroup(*row) for row in groups},
        reps={row[0]: OrgRep(*row) for row in reps},
        assignments=[Assignment(*row) for row in assignments],
    )


def load_org(warehouse_path: Path) -> tuple[PlanOrg | None, str]:
    """The org from the warehouse's staging views, or None and why it is not available."""
    if not Path(warehouse_path).exists():
        return None, f"no warehouse at {warehouse_path}"
    try:
        with duckdb.connect(str(warehouse_path), read_only=True) as connection:
            org = org_from_connection(connection)
    except duckdb.Error as exc:
        first_line = str(exc).splitlines()[0]
        return None, f"cannot read the org from {warehouse_path}: {first_line}"
    if not org.groups:
        return None, f"the warehouse {warehouse_path} holds no sales groups yet"
    return org, f"checked against the org in {warehouse_path}"
