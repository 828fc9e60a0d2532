"""`plan init`: a starter plan from the sources' org and history.

The rules on a hand-made history (quarter totals, shares, what the org has), then the
command on a generated demo world read through a CRM without tiers or kinds: `sources
check` passes, the plan `plan init` writes passes `plan check`, its totals are last year's
revenue from a direct SQL over the order system x (1 + growth), and a full backfill on it
publishes those targets and the revenue the order system gives.
"""

from __future__ import annotations

import csv
import sqlite3
from dataclasses import replace
from datetime import date
from decimal import Decimal

import dagster as dg
import duckdb
import pytest

from orchestration.cli import main
from orchestration.plan.check import check_plan
from orchestration.plan.starter import History, rounded_shares, write_starter_plan
from orchestration.runner import run_quarters
from tests.conftest import DOCS_AND_REPORT, generate_small_world
from tests.ingest.test_mapping import _copy_demo_mapping, _edit

D = Decimal


def _rows(path) -> list[dict[str, str]]:
    with path.open(newline="") as handle:
        return list(csv.DictReader(handle))


def test_rounded_shares_sum_to_one_with_the_largest_taking_the_rounding():
    shares = rounded_shares({"a": D(1), "b": D(1), "c": D(1)})
    assert shares == {"a": D("0.3334"), "b": D("0.3333"), "c": D("0.3333")}
    assert rounded_shares({"x": D(0), "y": D(0)}) == {"x": D("0.5"), "y": D("0.5")}


# 2024Q3 is the sources' first quarter: every customer in it is new to the sources
HISTORY = History(
    revenue={
        ("2024Q3", "new", "core", "tier1"): D("600"),
        ("2024Q3", "new", "new", "tier2"): D("400"),
        ("2024Q4", "existing", "core", "tier1"): D("900"),
        ("2024Q4", "new", "long_tail", "tier2"): D("300"),
        ("2024Q4", "new", "core", None): D("100"),  # a rep without a group that day
        ("2025Q1", "existing", "core", "tier1"): D("1000"),
    },
    tiers=("tier1", "tier2"),
    product_tiers=("core", "long_tail", "new"),
    group_kinds=("normal", "star"),
    roles=("sales", "top_sales"),
)


def test_a_starter_plan_follows_last_years_actuals_and_the_history_mix(tmp_path):
    out = tmp_path / "plan"
    plan = write_starter_plan(HISTORY, out, ["2024Q4", "2025Q1", "2025Q4"], D("0.10"))

    totals = {row["quarter"]: row for row in _rows(out / "quarter_totals.csv")}
    # 2024Q3 may be partial (the sources' first quarter): 2025Q3 would not use it, and
    # quarters without a full year before them grow last quarter's actual instead
    assert totals["2024Q4"]["revenue_target"] == "" and totals["2024Q4"]["revenue_growth"] == (
        "0.10"
    )
    assert totals["2025Q1"]["revenue_target"] == ""
    assert totals["2025Q4"]["revenue_target"] == "1430.00"  # 2024Q4: 900+300+100 = 1300 x 1.1

    shares = {
        (row["from_quarter"], row["dimension"], row["segment"]): D(row["share"])
        for row in _rows(out / "dimension_shares.csv")
    }
    # 2024Q4 from 2024Q3 alone: the customer split is the template's (60/40)
    assert shares[("2024Q4", "customer", "existing")] == D("0.60")
    assert shares[("2024Q4", "product", "core")] == D("0.6")
    assert shares[("2024Q4", "product", "long_tail")] == D("0")
    assert shares[("2024Q4", "team", "tier1")] == D("0.6")
    # 2025Q1 from 2024Q3 and 2024Q4; customers from 2024Q4 only: 900 of 1300 existing
    assert shares[("2025Q1", "customer", "existing")] == D("0.6923")
    assert shares[("2025Q1", "customer", "new")] == D("0.3077")
    # products over 2300: core 1600, long tail 300, new 400
    assert shares[("2025Q1", "product", "core")] == D("0.6957")
    assert shares[("2025Q1", "product", "long_tail")] == D("0.1304")
    assert shares[("2025Q1", "product", "new")] == D("0.1739")
    # team tiers leave the unassigned 100 out: tier1 1500 of 2200
    assert shares[("2025Q1", "team", "tier1")] == D("0.6818")
    for quarter in ("2024Q4", "2025Q1", "2025Q4"):
        for dimension in ("customer", "product", "team"):
            assert sum(v for (q, d, _), v in shares.items() if (q, d) == (quarter, dimension)) == 1
    assert plan.share_history["2025Q4"] == ["2024Q4", "2025Q1"]

    kinds = {row["group_kind"]: row["weight"] for row in _rows(out / "group_kind_weights.csv")}
    assert kinds == {"normal": "1.00", "star": "1.15"}  # the template's weights
    roles = {row["role"]: row["weight"] for row in _rows(out / "role_weights.csv")}
    assert roles == {"sales": "1.20", "top_sales": "1.40"}
    # the org has no new-product squad and no customer-success managers
    assert _rows(out / "responsibilities.csv") == []
    assert any("new_product_squad" in note for note in plan.notes)
    assert {row["from_quarter"] for row in _rows(out / "bonus_tiers.csv")} == {"2024Q4"}
    assert _rows(out / "group_allocation.csv") == [] and _rows(out / "actions.csv") == []
    assert check_plan(out, org=None) == []


def test_plan_init_refuses_a_growth_that_is_not_a_number_and_names_a_missing_source(
    tmp_path, monkeypatch, capsys
):
    monkeypatch.setenv("SALES_TARGETS_DATA_DIR", str(tmp_path / "data"))
    for variable in ("CRM_DATABASE_URL", "ORDERS_DATABASE_URL", "SALES_TARGETS_SOURCE_MAPPING"):
        monkeypatch.delenv(variable, raising=False)

    assert main(["plan", "init", "--out", str(tmp_path / "plan"), "--growth", "10%"]) == 2
    assert "--growth '10%' is not a number" in capsys.readouterr().err

    assert main(["plan", "init", "--out", str(tmp_path / "plan")]) == 1
    error = capsys.readouterr().err
    assert f"database file {tmp_path / 'data' / 'sources' / 'crm.sqlite'} does not exist" in error
    assert "CRM_DATABASE_URL" in error
    assert not (tmp_path / "plan").exists()  # nothing written


def _completed_revenue(orders_db, first_day: str, last_day: str) -> Decimal:
    """Net amount of the completed orders dated in [first_day, last_day], straight from the
    order system."""
    with sqlite3.connect(orders_db) as connection:
        (amount,) = connection.execute(
            "select sum(l.net_amount) from order_lines l join orders o on o.order_id = l.order_id "
            "where o.status = 'completed' and o.order_date between ? and ?",
            [first_day, last_day],
        ).fetchone()
    return D(str(amount)).quantize(D("0.01"))


CLOSED_QUARTERS = {
    f"{year}Q{n}": (f"{year}-{3 * n - 2:02d}-01", f"{year}-{3 * n:02d}-{30 + (n in (1, 4)):02d}")
    for year, n in [(2024, 4), *((2025, n) for n in range(1, 5)), *((2026, n) for n in (1, 2, 3))]
}


def _booked_revenue(orders_db, first_day: str, last_day: str) -> Decimal:
    """Revenue of the orders dated in the quarter and booked at its end (docs/as-of.md): the
    order system keeps one row an order, so one cancelled or refunded after the quarter's
    last day (its `updated_at`) was still booked then."""
    with sqlite3.connect(orders_db) as connection:
        (amount,) = connection.execute(
            "select sum(l.net_amount) from order_lines l join orders o on o.order_id = l.order_id "
            "where o.order_date between ? and ? "
            "and (o.status = 'completed' or date(o.updated_at) > ?)",
            [first_day, last_day, last_day],
        ).fetchone()
    return D(str(amount)).quantize(D("0.01"))


@pytest.mark.slow
def test_plan_init_on_a_crm_without_tiers_names_them_passes_plan_check_and_a_backfill_publishes_it(
    tmp_path, monkeypatch, capsys
):
    """The demo sources read through a mapping whose CRM has neither region tiers nor group
    kinds: plan init names a tier after each region, and the backfill builds the team tree
    from the plan's tiers."""
    world = generate_small_world(tmp_path / "world", dirty_share=0.0)
    mapping = _copy_demo_mapping(tmp_path / "mapping")
    _edit(mapping / "crm.yml", "region_name, tier,", "region_name, null as tier,")
    _edit(mapping / "crm.yml", "region_id, group_kind,", "region_id, null as group_kind,")
    monkeypatch.setenv("SALES_TARGETS_DATA_DIR", str(world.data_dir))
    monkeypatch.setenv("SALES_TARGETS_SOURCE_MAPPING", str(mapping))
    for variable in ("CRM_DATABASE_URL", "ORDERS_DATABASE_URL"):
        monkeypatch.delenv(variable, raising=False)
    out = tmp_path / "plan"

    assert main(["sources", "check"]) == 0, capsys.readouterr().out
    code = main(["plan", "init", "--out", str(out), "--growth", "0.08", "--to", "2026Q4"])
    printed = capsys.readouterr().out
    assert code == 0, printed
    assert f"starter plan for 2024Q4..2026Q4 written to {out}" in printed
    assert "orders: chunk 1 committed" in printed  # progress while the sources load
    assert main(["plan", "check", "--plan-dir", str(out)]) == 0
    assert "checked against the org" in capsys.readouterr().out
    assert main(["plan", "init", "--out", str(out)]) == 1  # never over a plan
    assert "--out must be a new or empty folder" in capsys.readouterr().err

    tiers = {row["region_id"]: row for row in _rows(out / "region_tiers.csv")}
    assert {region: row["tier"] for region, row in tiers.items()} == {
        "channel": "channel",
        "tier1": "tier_1_cities",
        "tier2": "tier_2_cities",
        "tier3_4": "tier_3_4_cities",
    }
    assert tiers["tier1"]["note"] == "Tier-1 cities"
    assert {row["group_kind"] for row in _rows(out / "group_kinds.csv")} == {"normal"}

    orders_db = world.sources_dir / "orders.sqlite"
    totals = {row["quarter"]: row for row in _rows(out / "quarter_totals.csv")}
    want = {
        quarter: (_completed_revenue(orders_db, *year_before) * D("1.08")).quantize(D("0.01"))
        for quarter, year_before in {
            "2025Q4": ("2024-10-01", "2024-12-31"),
            "2026Q3": ("2025-07-01", "2025-09-30"),
        }.items()
    }
    assert {q: D(totals[q]["revenue_target"]) for q in want} == want
    shares = {
        (row["from_quarter"], row["segment"]): D(row["share"])
        for row in _rows(out / "dimension_shares.csv")
        if row["dimension"] == "team"
    }

    settings = replace(world, plan_dir=out, source_mapping_dir=mapping)
    outcome = run_quarters(
        settings,
        date(2024, 10, 1),
        date(2026, 10, 1),
        instance=dg.DagsterInstance.ephemeral(),
        leave_out=DOCS_AND_REPORT,
    )
    assert outcome.success, outcome.error
    with duckdb.connect(str(settings.reporting_path), read_only=True) as store:
        actuals = dict(
            store.execute(
                "select p.quarter, p.actual_to_date from rpt_progress_weekly p "
                "where p.node_id = 'total' and p.metric = 'revenue' and p.week_start = "
                "(select max(week_start) from rpt_progress_weekly w where w.quarter = p.quarter)"
            ).fetchall()
        )
        targets = dict(
            store.execute(
                "select quarter || ' ' || node_id, target_value from rpt_target_tree "
                "where metric = 'revenue' and node_id in ('total', 'team/tier_1_cities')"
            ).fetchall()
        )
    # every closed quarter's revenue as the order system gives it (as of its last day)
    for quarter, (first_day, last_day) in CLOSED_QUARTERS.items():
        assert D(str(actuals[quarter])) == _booked_revenue(orders_db, first_day, last_day)
    assert len(targets) == 18  # nine quarters, each with the total and the named tier
    for quarter, target in want.items():
        assert D(str(targets[f"{quarter} total"])) == target
        # the tier's share of the total, to the cent (the tree hands out leftover cents)
        tier_target = target * shares[(quarter, "tier_1_cities")]
        assert abs(D(str(targets[f"{quarter} team/tier_1_cities"])) - tier_target) <= D("0.01")
