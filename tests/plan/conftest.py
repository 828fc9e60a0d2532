"""Fixtures for the plan tests: editable copies of the shipped plans, an org, a warehouse."""

from __future__ import annotations

from pathlib import Path

import pytest

from orchestration.plan.org import OrgGroup, OrgRep, OrgSpan, PlanOrg
from orchestration.settings import Settings
from tests.plan.plan_fixtures import (
    GROUPS,
    REPS,
    copy_plan_dir,
    resolved_spans,
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
    return PlanOrg(
        groups={g[0]: OrgGroup(g[0], g[1], TIER_OF_REGION[g[2]], g[3], g[2]) for g in GROUPS},
        reps={rep: OrgRep(rep, f"Rep {rep[-3:]}", role) for rep, role, _ in REPS},
        spans=[OrgSpan(*span) for span in resolved_spans()],
    )
