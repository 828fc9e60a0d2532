"""The target tree built by dbt: the handbook to the unit, exact cents, moves, revisions."""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from orchestration.plan.cli import register_plan_commands
from orchestration.plan.dbt_build import TargetTreeBuildError, build_target_tree
from orchestration.plan.loading import load_plan
from orchestration.plan.nodes import tree_catalogue
from orchestration.plan.org import load_org
from orchestration.plan.preview import show_plan
from orchestration.settings import Settings
from tests.plan.plan_fixtures import (
    add_plan_rows,
    copy_plan_dir,
    create_staging_inputs,
    largest_remainder,
    read_plan_file,
    write_plan_file,
)

pytestmark = pytest.mark.slow


def folder_digest(folder: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()


def settings_for(tmp_path: Path) -> Settings:
    return Settings.from_env().with_data_dir(tmp_path / "data")


def run_plan_command(settings: Settings, argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="sales-targets")
    register_plan_commands(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    return args.handler(settings, args)


def tree_rows(database: Path) -> dict[tuple[str, str, str], tuple]:
    """(quarter, node_id, metric) -> (target, original, reason, parent, partition?)."""
    with duckdb.connect(str(database), read_only=True) as connection:
        rows = connection.execute(
            "select quarter, node_id, metric, target_value, original_target_value, "
            "revision_reason, parent_node_id, is_partition_of_parent, dimension "
            "from marts.fct_target_tree"
        ).fetchall()
    return {(r[0], r[1], r[2]): r[3:] for r in rows}


def assert_children_sum_to_parents(tree: dict, quarter: str) -> int:
    """Every parent's revenue equals the sum of its children, per dimension, to the cent."""
    sums: dict[tuple[str, str, int], Decimal] = {}
    for (row_quarter, _, metric), (
        target,
        original,
        _,
        parent,
        partition,
        dimension,
    ) in tree.items():
        if row_quarter != quarter or metric != "revenue" or parent is None or not partition:
            continue
        for index, value in enumerate((target, original)):
            key = (parent, dimension, index)
            sums[key] = sums.get(key, Decimal(0)) + value
    for (parent, _, index), total in sums.items():
        assert tree[(quarter, parent, "revenue")][index] == total, (quarter, parent, index)
    return len(sums)


def cents(value: Decimal) -> int:
    return int(value * 100)


def test_handbook_worked_example_to_the_unit(tmp_path, handbook_dir, capsys):
    settings = settings_for(tmp_path)
    before = folder_digest(handbook_dir)

    code = run_plan_command(
        settings,
        [
            "plan",
            "show",
            "--quarter",
            "2026Q1",
            "--plan-dir",
            str(handbook_dir),
            "--format",
            "csv",
        ],
    )
    captured = capsys.readouterr()
    assert code == 0, captured.err
    rows = {(r["node_id"], r["metric"]): r for r in csv.DictReader(io.StringIO(captured.out))}
    expected = {
        ("total", "revenue"): "12000000.00",
        ("customer/existing", "revenue"): "7200000.00",
        ("customer/new", "revenue"): "4800000.00",
        ("customer/new", "customers"): "1000",
        ("product/core", "revenue"): "7200000.00",
        ("product/new", "revenue"): "3600000.00",
        ("product/long_tail", "revenue"): "1200000.00",
        ("product/core", "units"): "12000",
        ("product/new", "units"): "2500",
        ("team/tier1", "revenue"): "4200000.00",
        ("team/tier2", "revenue"): "3000000.00",
        ("team/tier3_4", "revenue"): "2400000.00",
        ("team/channel", "revenue"): "2400000.00",
        ("team/tier1/g-star-01", "revenue"): "1680000.00",
        ("team/tier3_4/g-t34-newcomer-01", "revenue"): "720000.00",
        ("responsibility/new_product_squad", "revenue"): "2880000.00",
        ("responsibility/new_product_squad", "units"): "2000",
        ("responsibility/customer_success", "revenue"): "5760000.00",
        ("customer/existing/repurchase_rate", "rate"): "0.25",
        ("customer/existing/churn_recall_rate", "rate"): "0.1",
        ("customer/existing/aov_lift", "rate"): "0.15",
        ("product/new/sell_through_30d", "rate"): "0.15",
        ("product/long_tail/inventory_reduction", "rate"): "0.2",
    }
    assert {key: rows[key]["target_value"] for key in expected} == expected
    revised = rows[("product/new", "units")]
    assert (revised["original_target_value"], revised["revision_effective_date"]) == (
        "3000",
        "2026-02-16",
    )
    assert revised["revision_reason"].startswith("New-product penetration below expectation")
    assert rows[("responsibility/new_product_squad", "units")]["original_target_value"] == "2400"
    assert {r["as_of_date"] for r in rows.values()} == {"2026-03-31"}
    # without the org the tree stops at the groups the plan gives a share, and says so
    assert not any(node.count("/") >= 3 for node, _ in rows)
    assert "note: without the org (CRM groups and reps) only groups with an explicit share" in (
        captured.err
    )

    # as of the day before the revision the new-product target is still 3,000
    earlier = show_plan(handbook_dir, "2026Q1", as_of=date(2026, 2, 15), settings=settings)
    units = earlier.row("product/new", "units")
    assert (units.target_value, units.original_target_value, units.revision_reason) == (
        Decimal("3000"),
        Decimal("3000"),
        None,
    )
    assert earlier.value("responsibility/new_product_squad", "units") == Decimal("2400")
    assert earlier.value("total") == Decimal("12000000.00")
    assert folder_digest(handbook_dir) == before  # dbt never writes into the plan folder


def worked_at_ten_percent(plan_dir: Path) -> Path:
    """The small org's numbers below are worked at the handbook's +10% (revenue and core
    units), whatever growth the demo plan asks."""
    for name, column in (("quarter_totals", "revenue_growth"), ("kpi_targets", "core_unit_growth")):
        path = plan_dir / f"{name}.csv"
        with path.open(newline="") as handle:
            rows = list(csv.DictReader(handle))
        for row in rows:
            if row[column]:
                row[column] = "0.10"
        with path.open("w", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)
    return plan_dir


def test_demo_plan_on_a_small_org_exact_cents_moves_and_as_of(tmp_path, live_plan_dir):
    warehouse = tmp_path / "warehouse.duckdb"
    create_staging_inputs(warehouse)
    plan_dir = worked_at_ten_percent(copy_plan_dir(live_plan_dir, tmp_path / "plan"))
    # weights instead of the star's explicit share, so the star's +15% decides tier 1
    rows = read_plan_file(plan_dir, "group_allocation")
    write_plan_file(plan_dir, "group_allocation", [r for r in rows if r[2] != "g-star-01"])
    # a rep's revised revenue is pinned; the rest of the group follows the usual weights
    add_plan_rows(
        plan_dir,
        "plan_revisions",
        [
            "2026Q3",
            "team/tier2/g-t2-normal-01/rep-009",
            "revenue",
            "500.00",
            "2026-08-18",
            "Moves to tier-2 group two on 10 August",
            "Head of Sales",
        ],
    )
    settings = settings_for(tmp_path)
    build = {
        "plan_dir": plan_dir,
        "warehouse_path": warehouse,
        "dbt_project_dir": settings.dbt_project_dir,
        "quarter_end": date(2026, 9, 30),
        "with_tests": True,
    }
    before = folder_digest(plan_dir)
    output = build_target_tree(
        **build,
        work_dir=tmp_path / "run1",
        quarter_start=date(2026, 4, 1),
        as_of_date=date(2026, 8, 20),
    )
    assert "Completed successfully" in output  # every children_sum_to_parent test passed
    tree = tree_rows(warehouse)

    # totals: last quarter's actual + 10% (the refund after the close still counts)
    assert tree[("2026Q3", "total", "revenue")][0] == Decimal("20900.36")  # 19,000.33 x 1.1
    assert tree[("2026Q2", "total", "revenue")][0] == Decimal("3300.00")
    assert tree[("2026Q3", "product/core", "units")][0] == Decimal("18")  # 16 x 1.1, rounded
    assert assert_children_sum_to_parents(tree, "2026Q3") > 10
    assert assert_children_sum_to_parents(tree, "2026Q2") > 10

    # exact splits, checked against an independent largest-remainder
    tiers = ["team/tier1", "team/tier2", "team/tier3_4", "team/channel"]
    assert [cents(tree[("2026Q3", t, "revenue")][0]) for t in tiers] == largest_remainder(
        2090036, [0.35, 0.25, 0.20, 0.20]
    )
    tier1 = ["team/tier1/g-np-squad-01", "team/tier1/g-star-01", "team/tier1/g-t1-normal-01"]
    tier1_cents = [cents(tree[("2026Q3", g, "revenue")][0]) for g in tier1]
    assert tier1_cents == largest_remainder(731513, [1.0, 1.15, 1.0])
    assert abs(tier1_cents[1] - 1.15 * tier1_cents[2]) <= 1.15  # star carries +15%
    newcomer = cents(tree[("2026Q3", "team/tier3_4/g-t34-newcomer-01", "revenue")][0])
    assert newcomer == largest_remainder(418007, [0.3, 0.7])[0]  # explicit 30% of tier 3/4
    star_reps = [f"team/tier1/g-star-01/rep-00{n}" for n in (1, 2, 3)]
    assert [cents(tree[("2026Q3", r, "revenue")][0]) for r in star_reps] == largest_remainder(
        tier1_cents[1], [1.5, 1.2, 1.0]
    )  # rep-001's override 1.5, sales 1.2, success 1.0

    # moves: rep-009 keeps his first-day group all quarter; rep-018 starts next quarter
    group_one = "team/tier2/g-t2-normal-01"
    assert ("2026Q3", f"{group_one}/rep-009", "revenue") in tree
    assert ("2026Q3", "team/tier2/g-t2-normal-02/rep-009", "revenue") not in tree
    assert not any(node.endswith("rep-018") for _, node, _ in tree)
    # the revised rep: pinned at 500.00; his group-mates share the rest 1.4 : 1.0 (top : cs)
    group_cents = cents(tree[("2026Q3", group_one, "revenue")][0])
    mover = tree[("2026Q3", f"{group_one}/rep-009", "revenue")]
    assert (mover[0], mover[2]) == (Decimal("500.00"), "Moves to tier-2 group two on 10 August")
    mates = [
        cents(tree[("2026Q3", f"{group_one}/{r}", "revenue")][0]) for r in ("rep-008", "rep-010")
    ]
    assert mates == largest_remainder(group_cents - 50000, [1.4, 1.0])
    originals = [
        cents(tree[("2026Q3", f"{group_one}/{r}", "revenue")][1])
        for r in ("rep-008", "rep-009", "rep-010")
    ]
    assert originals == largest_remainder(group_cents, [1.4, 1.2, 1.0])

    # responsibilities: the customer-success reps answer for existing-customer revenue worth
    # 80% of their own team targets, split between them by those targets
    owners = sorted(
        node
        for q, node, m in tree
        if q == "2026Q3" and node.startswith("responsibility/customer_success/")
    )
    assert owners == [
        "responsibility/customer_success/rep-003",
        "responsibility/customer_success/rep-010",
    ]
    team_cents = [
        cents(tree[("2026Q3", node, "revenue")][0])
        for node in ("team/tier1/g-star-01/rep-003", f"{group_one}/rep-010")
    ]
    success = cents(tree[("2026Q3", "responsibility/customer_success", "revenue")][0])
    assert success == round(sum(team_cents) * 0.8)
    assert [cents(tree[("2026Q3", owner, "revenue")][0]) for owner in owners] == largest_remainder(
        success, team_cents
    )

    # the demo plan's revision: effective 2026-08-17, known as of 2026-08-20
    repurchase = tree[("2026Q3", "customer/existing/repurchase_rate", "rate")]
    assert repurchase[:2] == (Decimal("0.22"), Decimal("0.25"))
    assert repurchase[2].startswith("Two large accounts moved to annual contracts")

    # the plan contract's node catalogue lists exactly the nodes dbt built
    plan, errors = load_plan(plan_dir)
    assert errors == []
    org, _ = load_org(warehouse)
    catalogue = tree_catalogue(plan, "2026Q3", date(2026, 7, 1), org).metrics
    built: dict[str, set[str]] = {}
    for quarter, node, metric in tree:
        if quarter == "2026Q3":
            built.setdefault(node, set()).add(metric)
    assert catalogue == built

    # a backfill of 2026Q3 as of 2026-08-16 sees neither revision yet, and leaves 2026Q2 alone
    build_target_tree(
        **build,
        work_dir=tmp_path / "run2",
        quarter_start=date(2026, 7, 1),
        as_of_date=date(2026, 8, 16),
    )
    again = tree_rows(warehouse)
    assert again[("2026Q3", "customer/existing/repurchase_rate", "rate")][:3] == (
        Decimal("0.25"),
        Decimal("0.25"),
        None,
    )
    assert again[("2026Q3", f"{group_one}/rep-009", "revenue")][0] == Decimal(originals[1]) / 100
    assert {k: v for k, v in again.items() if k[0] == "2026Q2"} == {
        k: v for k, v in tree.items() if k[0] == "2026Q2"
    }
    assert folder_digest(plan_dir) == before


def test_preview_reads_org_and_actuals_from_the_warehouse(tmp_path, live_plan_dir):
    settings = settings_for(tmp_path)
    settings.warehouse_path.parent.mkdir(parents=True)
    create_staging_inputs(settings.warehouse_path)
    plan_dir = worked_at_ten_percent(copy_plan_dir(live_plan_dir, tmp_path / "plan"))
    preview = show_plan(plan_dir, "2026Q3", as_of=date(2026, 8, 20), settings=settings)
    assert preview.value("total") == Decimal("20900.36")
    assert preview.value("team/tier1/g-star-01") == Decimal("2926.05")  # explicit 40%
    assert preview.value("team/tier2/g-t2-normal-01/rep-009") is not None
    assert preview.notes == [
        f"org and last quarter's actuals from {settings.warehouse_path}: 8 groups, 18 reps, "
        "4 orders last quarter",
    ]


def test_revisions_that_break_a_split_fail_the_build(tmp_path, handbook_dir):
    warehouse = tmp_path / "warehouse.duckdb"
    create_staging_inputs(warehouse)
    plan_dir = copy_plan_dir(handbook_dir, tmp_path / "plan")
    for tier in ("tier1", "tier2", "tier3_4", "channel"):  # 4 x 2,750,000 = 11,000,000
        add_plan_rows(
            plan_dir,
            "plan_revisions",
            ["2026Q1", f"team/{tier}", "revenue", "2750000.00", "2026-02-01", "flat", "VP"],
        )
    settings = settings_for(tmp_path)
    with pytest.raises(TargetTreeBuildError) as raised:
        build_target_tree(
            plan_dir=plan_dir,
            warehouse_path=warehouse,
            work_dir=tmp_path / "run",
            dbt_project_dir=settings.dbt_project_dir,
            quarter_start=date(2026, 1, 1),
            quarter_end=date(2026, 3, 31),
            as_of_date=date(2026, 3, 31),
            with_tests=True,
        )
    assert "children_sum_to_parent" in str(raised.value)
    assert str(raised.value).startswith(f"dbt could not build the target tree for plan {plan_dir}")


def test_show_without_a_warehouse_or_baseline_says_what_is_missing(tmp_path, live_plan_dir):
    preview = show_plan(
        live_plan_dir,
        "2026Q3",
        settings=replace(settings_for(tmp_path), warehouse_path=tmp_path / "none.duckdb"),
        today=date(2026, 8, 21),
    )
    assert preview.as_of_date == date(2026, 8, 20)
    assert preview.value("total") is None
    assert preview.value("customer/existing/repurchase_rate", "rate") == Decimal("0.22")
    assert [note.split(":")[0] for note in preview.notes] == [
        f"no warehouse at {tmp_path / 'none.duckdb'}",
        "no revenue targets",
        "no core-unit target",
        "without the org (CRM groups and reps) only groups with an explicit share are shown; "
        "other groups, reps and responsibility owners appear once the CRM is loaded",
    ]
