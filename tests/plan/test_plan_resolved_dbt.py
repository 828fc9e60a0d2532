"""The plan tools read dbt's planning rules: sets in effect and the resolved org.

- the contract's pre-build selection (orchestration.plan.sets) and int_plan_sets_in_effect
  select the same rows of a plan with several revisions and per-dimension sets, and both
  match the sets written out by hand below;
- a rep's group on a day, as `load_org` reads it from int_rep_assignments_resolved built by
  dbt, for a mover, a late joiner and an overlapping CRM assignment.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import pytest

from orchestration.plan.check import check_plan
from orchestration.plan.dbt_build import build_plan_models
from orchestration.plan.init import ORG_BUILD_SELECTION
from orchestration.plan.loading import LINE, load_plan
from orchestration.plan.org import load_org
from orchestration.plan.resolved import ResolvedPlan, resolve_plan
from orchestration.plan.sets import in_effect, segments_in_effect
from orchestration.settings import Settings
from tests.plan.plan_fixtures import add_plan_rows, copy_plan_dir, create_staging_inputs

pytestmark = pytest.mark.slow

QUARTERS = ("2026Q1", "2026Q2", "2026Q3", "2026Q4")


def set_starts(*starts: str) -> dict[str, str]:
    """quarter -> from_quarter of the set in effect, for QUARTERS in order."""
    return dict(zip(QUARTERS, starts, strict=True))


# (plan table, dimension) -> quarter -> from_quarter, worked out by hand from the rows
# generated_plan adds to the handbook (whose sets all start in 2026Q1)
EXPECTED_SETS = {
    ("dimension_shares", "customer"): set_starts("2026Q1", "2026Q1", "2026Q3", "2026Q3"),
    ("dimension_shares", "product"): set_starts("2026Q1", "2026Q1", "2026Q1", "2026Q1"),
    ("dimension_shares", "team"): set_starts("2026Q1", "2026Q2", "2026Q2", "2026Q4"),
    ("role_weights", None): set_starts("2026Q1", "2026Q1", "2026Q3", "2026Q3"),
    ("kpi_targets", None): set_starts("2026Q1", "2026Q1", "2026Q1", "2026Q4"),
    ("warning_lines", None): set_starts("2026Q1", "2026Q2", "2026Q2", "2026Q2"),
    **{
        (table, None): set_starts("2026Q1", "2026Q1", "2026Q1", "2026Q1")
        for table in (
            "awards",
            "bonus_tiers",
            "group_allocation",
            "group_kind_weights",
            "responsibilities",
        )
    },
    # rep_overrides has no rows in the handbook: no set is in effect
}


def generated_plan(folder: Path, handbook_dir: Path) -> Path:
    plan_dir = copy_plan_dir(handbook_dir, folder)
    for quarter in QUARTERS[1:]:
        add_plan_rows(plan_dir, "quarter_totals", [quarter, "", "0.20", "", "", "grown 20%"])
    add_plan_rows(
        plan_dir,
        "dimension_shares",
        ["2026Q3", "customer", "existing", "0.50"],
        ["2026Q3", "customer", "new", "0.50"],
        *[["2026Q2", "team", tier, share] for tier, share in TEAM_Q2.items()],
        *[["2026Q4", "team", tier, share] for tier, share in TEAM_Q4.items()],
    )
    add_plan_rows(
        plan_dir,
        "role_weights",
        *[
            ["2026Q3", role, "1.00"]
            for role in ("top_sales", "sales", "newcomer", "customer_success", "channel_manager")
        ],
    )
    kpi_row = ["2026Q4", "4800.00", "0.30", "0.25", "0.15", "0.10", "180", "0.20"]
    add_plan_rows(plan_dir, "kpi_targets", [*kpi_row, "1200.00", "0.15", "0.20"])
    add_plan_rows(plan_dir, "warning_lines", ["2026Q2", "revenue", "0.85", "0.65"])
    return plan_dir


TEAM_Q2 = {"tier1": "0.40", "tier2": "0.20", "tier3_4": "0.20", "channel": "0.20"}
TEAM_Q4 = {"tier1": "0.30", "tier2": "0.30", "tier3_4": "0.20", "channel": "0.20"}


@pytest.fixture(scope="module")
def plan_and_resolution(tmp_path_factory, handbook_dir) -> tuple[Path, ResolvedPlan]:
    plan_dir = generated_plan(tmp_path_factory.mktemp("plan"), handbook_dir)
    assert check_plan(plan_dir) == []
    resolved = resolve_plan(
        plan_dir,
        date(2026, 1, 1),
        date(2026, 12, 31),
        dbt_project_dir=Settings.from_env().dbt_project_dir,
    )
    return plan_dir, resolved


def test_dbt_selects_the_sets_worked_out_by_hand(plan_and_resolution):
    _, resolved = plan_and_resolution
    built: dict[tuple[str, str | None], dict[str, str]] = {}
    for row in resolved.sets_in_effect:
        built.setdefault((row.plan_table, row.dimension), {})[row.quarter] = row.from_quarter
    assert built == EXPECTED_SETS
    assert resolved.segment_shares["2026Q2"]["customer"] == {"existing": 0.6, "new": 0.4}
    assert resolved.segment_shares["2026Q3"]["customer"] == {"existing": 0.5, "new": 0.5}
    assert resolved.segment_shares["2026Q3"]["team"] == {k: float(v) for k, v in TEAM_Q2.items()}
    assert resolved.segment_shares["2026Q4"]["team"] == {k: float(v) for k, v in TEAM_Q4.items()}


def test_the_contract_selects_the_same_rows_as_dbt(plan_and_resolution):
    plan_dir, resolved = plan_and_resolution
    plan, errors = load_plan(plan_dir)
    assert errors == []
    dbt_start = {
        (row.plan_table, row.dimension, row.quarter): row.from_quarter
        for row in resolved.sets_in_effect
    }
    compared = 0
    for table, dimension in [*EXPECTED_SETS, ("rep_overrides", None)]:
        frame = plan[table]
        if dimension is not None:
            frame = frame[frame["dimension"] == dimension]
        for quarter in QUARTERS:
            by = "dimension" if table == "dimension_shares" else None
            python_lines = set(in_effect(frame, quarter, by=by)[LINE])
            start = dbt_start.get((table, dimension, quarter))
            dbt_lines = set(frame[frame["from_quarter"] == start][LINE])
            assert python_lines == dbt_lines, (table, dimension, quarter)
            compared += len(python_lines)
    assert compared > 100  # the comparison saw the rows, not empty sets
    for quarter in QUARTERS:
        python_segments = {d: set(s) for d, s in segments_in_effect(plan, quarter).items()}
        dbt_segments = {d: set(s) for d, s in resolved.segment_shares[quarter].items()}
        assert python_segments == dbt_segments, quarter


def test_a_reps_group_on_a_day_is_read_from_the_dbt_resolved_spans(tmp_path, handbook_dir):
    warehouse = tmp_path / "warehouse.duckdb"
    create_staging_inputs(warehouse, with_orders=False)
    with duckdb.connect(str(warehouse)) as connection:
        # a CRM overlap: rep-005 lent to the star group for August, his own assignment open
        connection.execute(
            "insert into staging.stg_crm__rep_assignments values "
            "(500, 'rep-005', 'g-star-01', date '2026-08-01', date '2026-09-01')"
        )
    build_plan_models(
        selection=ORG_BUILD_SELECTION,
        what="the resolved org",
        plan_dir=handbook_dir,
        warehouse_path=warehouse,
        work_dir=tmp_path / "work",
        dbt_project_dir=Settings.from_env().dbt_project_dir,
        quarter_start=date(2026, 7, 1),
        quarter_end=date(2026, 9, 30),
        as_of_date=date(2026, 9, 30),
    )
    org, note = load_org(warehouse)
    assert note == f"checked against the org in {warehouse}"
    on = org.group_of_rep_on
    assert on("rep-009", date(2026, 8, 9)) == "g-t2-normal-01"  # the mover, before
    assert on("rep-009", date(2026, 8, 10)) == "g-t2-normal-02"  # and from the day he moves
    assert on("rep-018", date(2026, 7, 14)) is None  # the late joiner, before joining
    assert on("rep-018", date(2026, 7, 15)) == "g-t34-normal-01"
    # the later-starting assignment wins while both cover the day
    assert on("rep-005", date(2026, 7, 31)) == "g-t1-normal-01"
    assert on("rep-005", date(2026, 8, 1)) == "g-star-01"
    assert on("rep-005", date(2026, 8, 31)) == "g-star-01"
    assert on("rep-005", date(2026, 9, 1)) == "g-t1-normal-01"
    assert org.reps_of_group_on("g-star-01", date(2026, 8, 15)) == [
        "rep-001",
        "rep-002",
        "rep-003",
        "rep-005",
    ]
    assert org.reps_of_group_on("g-t1-normal-01", date(2026, 8, 15)) == ["rep-004"]
