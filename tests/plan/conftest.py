"""Fixtures for the plan tests: editable copies of the shipped plans, an org, a warehouse."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from orchestration.plan.org import Assignment, OrgGroup, OrgRep, PlanOrg
from orchestration.settings import Settings
from tests.plan.plan_fixtures import (
    GROUPS,
    JOINED_ON,
    LATE_JOINER,
    MOVED_ON,
    MOVER,
    REPS,
    copy_plan_dir,
)

TIER_OF_REGION = {"tier1": "tier1", "tier2": "tier2", "tier3_4": "tier3_4", "channel": "channel"}


@pytest.fixture(scope="session")
def live_plan_dir() -> Path:
    return Settings.from_env().plan_dir


@pytest.fixture(scope="session")
def handbook_dir(live_plan_dir: Path) -> Path:
    return live_plan_dir / "examples" / "handbook"


@pytest.fixture
def handbook_copy(tmp_path: Path, handbook_dir: Path) -> Path:
    """An editable copy of the handbook plan."""
    return copy_plan_dir(handbook_dir, tmp_path / "handbook")


@pytest.fixture
def live_plan_copy(tmp_path: Path, live_plan_dir: Path) -> Path:
    """An editable copy of the live (demo) plan."""
    return copy_plan_dir(live_plan_dir, tmp_path / "live")


@pytest.fixture(scope="session")
def demo_org() -> PlanOrg:
    """The org of plan_fixtures (the fixed demo groups) as the plan contract sees it."""
    assignments = []
    for rep, _, group in REPS:
        if rep == MOVER:
            assignments += [
                Assignment(rep, group, date(2024, 1, 1), MOVED_ON),
                Assignment(rep, "g-t2-normal-02", MOVED_ON, None),
            ]
        elif rep == LATE_JOINER:
            assignments.append(Assignment(rep, group, JOINED_ON, None))
        else:
            assignments.append(Assignment(rep, group, date(2024, 1, 1), None))
    return PlanOrg(
        groups={g[0]: OrgGroup(g[0], g[1], TIER_OF_REGION[g[2]], g[3]) for g in GROUPS},
        reps={rep: OrgRep(rep, f"Rep {rep[-3:]}", role) for rep, role, _ in REPS},
        assignments=assignments,
    )
