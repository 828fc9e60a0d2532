"""Action plans, commissions, bonuses, awards, promotion and the quarter review through the
real dbt project on a hand-computed world (tests/execution/execution_world.py), and
`plan suggest` on its review.

Two dbt invocations: 2026Q2 alone, then 2026Q3 alone (seeds, models, data and unit tests):
the 2026Q3 run starts after 2026Q2, so promotion reads 2026Q2's attainment from the targets
that run left behind. The bonus tier boundaries (99.99%, 100%, 119.99%, 120%), three-way
award ties and the commission matrix with a clawback at the old quarter's rate are dbt unit
tests (dbt_project/models/marts/execution/_execution__models.yml) run by the second build.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import pytest

from orchestration.plan.check import check_plan
from orchestration.plan.cli import register_plan_commands
from orchestration.plan.dbt_build import copy_plan
from orchestration.plan.preview import show_plan
from orchestration.settings import Settings
from orchestration.transform.dbt_invocation import DbtInvocation, project_env
from tests.actuals.actuals_world import create_raw_world
from tests.execution.execution_world import add_execution_rows, write_execution_plan

pytestmark = pytest.mark.slow

DBT_TIMEOUT_SECONDS = 600
SELECTION = (
    "resource_type:seed",
    "path:models/staging",
    "path:models/intermediate/planning",
    "path:models/marts/targets",
    "path:models/intermediate/history",
    "path:models/intermediate/actuals",
    "path:models/marts/actuals",
    "path:models/intermediate/execution",
    "path:models/marts/execution",
    "rpt_target_tree",
    "rpt_action_plans",
    "rpt_incentives",
    "rpt_quarter_review",
)
Q2 = {"quarter_start": "2026-04-01", "quarter_end": "2026-06-30", "as_of_date": "2026-06-30"}
Q3 = {"quarter_start": "2026-07-01", "quarter_end": "2026-09-30", "as_of_date": "2026-09-30"}


@dataclass(frozen=True)
class World:
    work: Path
    warehouse: Path
    plan: Path


def run_dbt(world: World, dbt_vars: dict[str, str], *extra: str) -> None:
    """`dbt build` of SELECTION; dbt seeds a fresh copy of the plan (it writes over the
    seed files it loads), so `world.plan` stays a plan people and `plan suggest` can read."""
    settings = Settings.from_env()
    seeded = copy_plan(world.plan, world.work / f"seeded-plan-{dbt_vars['quarter_start']}")
    result = DbtInvocation(
        ("build", "--select", *SELECTION, *extra),
        settings.dbt_project_dir,
        project_env(warehouse_path=world.warehouse, plan_dir=seeded),
        dbt_vars=dbt_vars,
        work_dir=world.work,
    ).run(DBT_TIMEOUT_SECONDS)
    assert result.success, f"dbt build {dbt_vars} failed:\n{result.output[-6000:]}"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> World:
    work = tmp_path_factory.mktemp("execution")
    world = World(
        work=work,
        warehouse=work / "warehouse.duckdb",
        plan=write_execution_plan(Settings.from_env().plan_dir, work / "plan"),
    )
    create_raw_world(world.warehouse)
    add_execution_rows(world.warehouse)
    run_dbt(world, Q2, "--exclude-resource-type", "test", "unit_test")
    run_dbt(world, Q3)
    return world


def query(world: World, sql: str, *parameters: Any) -> list[tuple[Any, ...]]:
    with duckdb.connect(str(world.warehouse), read_only=True) as connection:
        return connection.execute(sql, list(parameters)).fetchall()


def test_handbook_actions_kpi_completion_cost_per_outcome_and_flags(built: World) -> None:
    rows = query(
        built,
        "select action_id, budget, spend, kpi_actual, kpi_completion, outcome_count, "
        "cost_per_outcome, flag from reporting.rpt_action_plans where quarter = '2026Q3'",
    )
    actions = {row[0]: row[1:] for row in rows}
    assert actions["online_ads"][:2] == (Decimal("500000.00"), Decimal("500000.00"))
    assert actions["online_ads"][2:4] == (300.0, 0.75)
    assert actions["online_ads"][4:] == (300, Decimal("1666.67"), "budget_spent_kpi_missed")
    assert actions["trade_show"][1] == Decimal("220000.00")
    assert actions["trade_show"][2:4] == (520.0, pytest.approx(1.04))
    assert actions["trade_show"][4:] == (520, Decimal("423.08"), "over_budget")
    assert actions["channel_partners"] == (
        None, None, 90.0, pytest.approx(0.9), 90, None, "on_track"
    )  # fmt: skip
    assert actions["customer_callbacks"][2:] == (0.5, 2.0, 1, None, "on_track")
    assert actions["repurchase_promotion"][2] == pytest.approx(1 / 3)
    assert actions["repurchase_promotion"][3] == pytest.approx((1 / 3) / 0.15)
    assert actions["repurchase_promotion"][-1] == "on_track"
    assert actions["churn_winback"][1:] == (None, 0.0, 0.0, 0, None, "kpi_missed")


def test_commissions_with_a_refund_clawed_back_in_the_quarter_it_arrives(built: World) -> None:
    q2 = dict(
        query(
            built,
            "select rep_id, commission from reporting.rpt_incentives where quarter = '2026Q2'",
        )
    )
    # rep-1: E2 existing x core 400 x 1.5% + E1 new x core 350 x 3%; rep-3: order 7 at 3%
    assert q2 == {
        "rep-1": Decimal("16.50"),
        "rep-2": Decimal("0.00"),  # a target, no sale
        "rep-3": Decimal("6.00"),
        "rep-4": Decimal("0.00"),
    }
    rows = query(
        built,
        "select rep_id, revenue, commission, refunded_revenue, clawback "
        "from reporting.rpt_incentives where quarter = '2026Q3'",
    )
    assert {row[0]: row[1:] for row in rows} == {
        # 600 new x core 3% + 400 existing x core 1.5%
        "rep-1": (Decimal("1000.00"), Decimal("24.00"), Decimal("0.00"), Decimal("0.00")),
        # 300 new x new 3% + 900 new x core 3%
        "rep-2": (Decimal("1200.00"), Decimal("36.00"), Decimal("0.00"), Decimal("0.00")),
        # 500 existing x new 3% + 210 new x long tail 3% - order 7 refunded 20 Jul: 200 x 3%
        "rep-3": (Decimal("710.00"), Decimal("15.30"), Decimal("200.00"), Decimal("-6.00")),
        # 420 existing (recalled) x new 3%
        "rep-4": (Decimal("420.00"), Decimal("12.60"), Decimal("0.00"), Decimal("0.00")),
    }
    clawbacks = query(
        built,
        "select quarter, order_line_id, rated_quarter, customer_type, product_tier, rate, "
        "net_amount, commission from marts.fct_commission_lines where line_kind = 'clawback'",
    )
    assert clawbacks == [
        ("2026Q3", "71", "2026Q2", "existing", "new", 0.03, Decimal("-200.00"), Decimal("-6.00"))
    ]


def test_bonus_awards_and_promotion_across_quarters(built: World) -> None:
    rows = query(
        built,
        "select rep_id, target_value, attainment, previous_attainment, bonus, awards, "
        "award_names, promotion_eligible from reporting.rpt_incentives where quarter = '2026Q3'",
    )
    reps = {row[0]: row[1:] for row in rows}
    # rep-1: 1,000 of 487.50 now, 750 of 500 in 2026Q2 (150%): two quarters at >= 120%
    assert reps["rep-1"][:4] == (
        Decimal("487.50"), pytest.approx(1000 / 487.5), pytest.approx(1.5), Decimal("2000.00")
    )  # fmt: skip
    assert reps["rep-1"][-1] is True
    # rep-2: 246% now but nothing sold in 2026Q2: bonus, no promotion
    assert reps["rep-2"][2:4] == (0.0, Decimal("2000.00"))
    assert reps["rep-2"][-1] is False
    assert reps["rep-3"][3] == Decimal("0.00") and reps["rep-4"][3] == Decimal("0.00")
    # new customers: N1 (rep-1), N2 (rep-3) tie -> 2,500 each; repurchasing customers:
    # E1 (rep-1 and rep-3), CH (rep-4) -> three-way tie, 1,000 each
    assert {rep: values[4] for rep, values in reps.items()} == {
        "rep-1": Decimal("3500.00"),
        "rep-2": Decimal("0.00"),
        "rep-3": Decimal("3500.00"),
        "rep-4": Decimal("1000.00"),
    }
    assert reps["rep-4"][5] == "Repurchase champion (shared by 3)"


def test_quarter_review_findings(built: World) -> None:
    rows = query(
        built,
        "select section, subject, metric, target_value, actual_value, finding, is_provisional "
        "from reporting.rpt_quarter_review where quarter = '2026Q3'",
    )
    findings = {(row[0], row[1], row[2]): row for row in rows}
    total = findings[("total", "total", "revenue")]
    assert total[3:] == (
        Decimal("3900"), Decimal("3330"), "Total revenue: 3,330 of 3,900 = 85.4%", False
    )  # fmt: skip
    assert findings[("dimension", "team/tier1/g-a/rep-1", "revenue")][5] == (
        "Rep 1 revenue: 1,000 of 487.50 = 205.1%"
    )
    short_boards = {key[1:] for key in findings if key[0] == "short_board"}
    assert ("product/long_tail", "revenue") in short_boards  # 210 of 390 = 53.8%
    assert ("product/core", "revenue") not in short_boards  # 1,900 of 2,340 = 81.2%
    # rep-2 keeps one node on g-a with all 1,200 sold (246.2%); g-b has 710 of 1,950 (36.4%)
    assert {key[1] for key in findings if key[0] == "best"} == {
        "team/tier1", "team/tier1/g-a", "team/tier1/g-a/rep-2"
    }  # fmt: skip
    assert {key[1] for key in findings if key[0] == "worst"} == {
        "team/tier2", "team/tier2/g-b", "team/tier2/g-b/rep-3"
    }  # fmt: skip
    assert findings[("resources", "online_ads", "new_customers")][5] == (
        "Online ads (Marketing): spent 500,000 of the 500,000 budget but new_customers 300 "
        "of 400 = 75.0%; cost per outcome 1,666.67"
    )
    assert ("resources", "channel_partners", "new_customers") not in findings  # on track
    assert findings[("resources", "trade_show", "budget")][5] == (
        "Budget line trade_show (16.0% of the marketing budget): spent 220,000 of 200,000, "
        "over the line"
    )
    next_total = findings[("next_quarter", "total", "revenue")]
    assert next_total[3] == Decimal("3663.00")  # 3,330 x (1 + 10%): Q3's total is explicit
    assert next_total[5].startswith("Suggested 2026Q4 total: 3,663 = 2026Q3 actual 3,330 x")


def test_plan_suggest_writes_a_plan_that_checks_and_shows(
    built: World, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import argparse

    settings = Settings.from_env().with_data_dir(tmp_path / "data")
    settings = type(settings)(**{**settings.__dict__, "warehouse_path": built.warehouse})
    parser = argparse.ArgumentParser()
    register_plan_commands(parser.add_subparsers(dest="command"))
    out = tmp_path / "suggested"
    args = parser.parse_args(
        ["plan", "suggest", "--plan-dir", str(built.plan), "--from", "2026Q3", "--out", str(out)]
    )
    assert args.handler(settings, args) == 0
    printed = capsys.readouterr().out
    assert "2026Q4 total = 2026Q3 actual revenue 3,330.00 x (1 + 0.10) = 3,663.00" in printed
    totals = (out / "quarter_totals.csv").read_text().splitlines()
    assert totals[-1].startswith("2026Q4,3663.00,,3330.00,6,")
    # customer: plan 0.6 / 0.4, actual 1,320 / 2,010 of 3,330 -> (0.6 + 0.3964) / 2 = 0.4982
    shares = [line for line in (out / "dimension_shares.csv").read_text().splitlines()]
    assert "2026Q4,customer,existing,0.4982" in shares
    assert "2026Q4,customer,new,0.5018" in shares
    # team: tier1 2,620 and tier2 710 of 3,330 -> (0.5 + 0.7868) / 2 = 0.6434 / 0.3566
    assert "2026Q4,team,tier1,0.6434" in shares and "2026Q4,team,tier2,0.3566" in shares
    assert check_plan(out) == []
    preview = show_plan(
        out, "2026Q4", as_of=date(2026, 12, 31), settings=settings, use_warehouse=False
    )
    assert preview.value("total") == Decimal("3663.00")
    assert preview.value("customer/new") == Decimal("1838.09")  # 3,663 x 0.5018 = 1,838.0934
    assert preview.value("product/core", "units") == 7  # 6 core units x (1 + 0.20), rounded
