"""The execution and incentive plan files: the handbook and demo plans pass, and each new
rule names the file, the line and the rule (plan check, no dbt)."""

from __future__ import annotations

from pathlib import Path

import pytest

from orchestration.plan.check import check_plan
from orchestration.settings import Settings
from tests.plan.plan_fixtures import copy_plan_dir, read_plan_file, write_plan_file


@pytest.fixture
def handbook(tmp_path: Path) -> Path:
    return copy_plan_dir(Settings.from_env().plan_dir / "examples" / "handbook", tmp_path / "hb")


def errors_of(plan_dir: Path) -> list[tuple[str, int | None, str, str]]:
    return [(e.file, e.row, e.rule, e.message) for e in check_plan(plan_dir)]


def set_cell(plan_dir: Path, name: str, line: int, column: str, value: str) -> None:
    rows = read_plan_file(plan_dir, name)
    rows[line - 1][rows[0].index(column)] = value
    write_plan_file(plan_dir, name, rows)


def test_the_live_and_handbook_plans_pass() -> None:
    plan_dir = Settings.from_env().plan_dir
    assert check_plan(plan_dir) == []
    assert check_plan(plan_dir / "examples" / "handbook") == []


@pytest.mark.parametrize(
    ("name", "line", "column", "value", "expected"),
    [
        (
            "actions", 2, "end_date", "2026-04-02",
            ("actions.csv", 2, "action_outside_quarter",
             "action online_ads runs 2026-03-01..2026-04-02, outside 2026Q1 "
             "(2026-01-01..2026-03-31)"),
        ),
        (
            "actions", 3, "end_date", "2026-03-14",
            ("actions.csv", 3, "window_ends_before_it_starts", "end_date is before start_date"),
        ),
        (
            "actions", 4, "lead_source", "",
            ("actions.csv", 4, "lead_source_required",
             "kpi leads and new_customers count leads of a lead_source: give one"),
        ),
        (
            "actions", 2, "budget_line", "tv_ads",
            ("actions.csv", 2, "unknown_budget_line",
             "budget_line tv_ads is not a budget row of resources.csv for 2026Q1"),
        ),
        (
            "actions", 2, "budget", "500000.01",
            ("actions.csv", 2, "actions_exceed_budget_line",
             "actions on budget line online_ads in 2026Q1 (line 2) budget 500000.01, more than "
             "the line's 500000.00"),
        ),
        (
            "resources", 4, "marketing_budget_share", "0.90",
            ("resources.csv", 4, "budget_shares_exceed_marketing_budget",
             "budget lines of 2026Q1 (lines 4, 5, 6) take 1.1 of the marketing budget, more "
             "than all of it"),
        ),
        (
            "resources", 2, "budget", "1000.00",
            ("resources.csv", 2, "columns_of_the_resource_kind",
             "a people row gives group_id and people_added (no budget), a budget row gives "
             "budget and marketing_budget_share (no group_id, people_added)"),
        ),
        (
            "commission_rates", 2, "product_tier", "new",
            ("commission_rates.csv", 3, "duplicate_key",
             "from_quarter 2026Q1, customer_type existing, product_tier new is already given "
             "on line 2"),
        ),
        (
            "bonus_tiers", 3, "salary_multiple", "0.05",
            ("bonus_tiers.csv", 3, "bonus_tiers_not_increasing",
             "tier target_120 (from 1.2) pays 0.05 x salary, less than tier target_met "
             "(from 1, 0.1)"),
        ),
        (
            "awards", 2, "metric", "most_calls",
            ("awards.csv", 2, "allowed_values",
             "metric 'most_calls' is not one of: new_customers, repurchasing_customers, "
             "new_customer_revenue, existing_customer_revenue"),
        ),
    ],
)  # fmt: skip
def test_each_rule_names_file_line_and_rule(handbook, name, line, column, value, expected):
    set_cell(handbook, name, line, column, value)
    assert expected in errors_of(handbook)


def test_a_commission_matrix_must_price_every_cell(handbook: Path) -> None:
    rows = read_plan_file(handbook, "commission_rates")
    write_plan_file(handbook, "commission_rates", rows[:-1])
    assert errors_of(handbook) == [
        (
            "commission_rates.csv",
            2,
            "commission_matrix_incomplete",
            "the commission matrix from 2026Q1 (lines 2, 3, 4, 5, 6) has no rate for "
            "new x long_tail",
        )
    ]
