"""`sales-targets plan check|show` as a user runs them (show's dbt runs are in the dbt tests)."""

from __future__ import annotations

import argparse
from datetime import date
from decimal import Decimal

import pytest

from orchestration.plan.cli import register_plan_commands
from orchestration.plan.preview import PlanPreview, TargetRow, default_as_of
from orchestration.plan.render import format_target, render_csv, render_table
from orchestration.settings import Settings
from tests.plan.plan_fixtures import read_plan_file, write_plan_file, write_resolved_org


def parser() -> argparse.ArgumentParser:
    main = argparse.ArgumentParser(prog="sales-targets")
    register_plan_commands(main.add_subparsers(dest="command", required=True))
    return main


def run(settings: Settings, argv: list[str]) -> int:
    args = parser().parse_args(argv)
    return args.handler(settings, args)


@pytest.fixture
def settings(tmp_path) -> Settings:
    return Settings.from_env().with_data_dir(tmp_path / "data")


def test_plan_check_accepts_the_handbook(settings, handbook_dir, capsys):
    assert run(settings, ["plan", "check", "--plan-dir", str(handbook_dir)]) == 0
    assert capsys.readouterr().out == (
        f"plan {handbook_dir} is valid\n"
        f"  groups and reps: no warehouse at {settings.warehouse_path}\n"
    )


def test_plan_check_lists_every_broken_rule_and_fails(settings, handbook_copy, capsys):
    rows = read_plan_file(handbook_copy, "dimension_shares")
    rows[2][3] = "0.30"
    write_plan_file(handbook_copy, "dimension_shares", rows)
    assert run(settings, ["plan", "check", "--plan-dir", str(handbook_copy)]) == 1
    assert capsys.readouterr().out == (
        f"plan {handbook_copy} breaks 1 rule:\n"
        f"  - {handbook_copy / 'dimension_shares.csv'}, line 2: customer shares from 2026Q1 "
        "(lines 2, 3) sum to 0.9, not 1 (rule: shares_sum_to_one)\n"
    )


def test_plan_check_uses_the_warehouse_org(settings, handbook_copy, capsys):
    settings.warehouse_path.parent.mkdir(parents=True)
    write_resolved_org(settings.warehouse_path)
    rows = read_plan_file(handbook_copy, "group_allocation")
    rows[1][2] = "g-star-99"
    write_plan_file(handbook_copy, "group_allocation", rows)
    assert run(settings, ["plan", "check", "--plan-dir", str(handbook_copy)]) == 1
    assert "group_id g-star-99 is not a sales group in the CRM (rule: unknown_group)" in (
        capsys.readouterr().out
    )
    assert run(settings, ["plan", "check", "--plan-dir", str(handbook_copy), "--no-warehouse"]) == 0


def test_plan_show_refuses_a_broken_plan_before_building(settings, handbook_copy, capsys):
    (handbook_copy / "kpi_targets.csv").unlink()
    assert (
        run(settings, ["plan", "show", "--quarter", "2026Q1", "--plan-dir", str(handbook_copy)])
        == 1
    )
    assert "kpi_targets.csv: the file is missing" in capsys.readouterr().err


def test_plan_show_refuses_an_unplanned_quarter(settings, handbook_dir, capsys):
    assert (
        run(settings, ["plan", "show", "--quarter", "2026Q2", "--plan-dir", str(handbook_dir)]) == 1
    )
    assert (
        "quarter 2026Q2 is to be built but has no row (quarter_totals.csv plans "
        "2026Q1..2026Q1) (rule: quarter_not_planned)"
    ) in capsys.readouterr().err


def test_plan_show_options():
    args = parser().parse_args(
        ["plan", "show", "--quarter", "2026Q3", "--format", "csv", "--as-of", "2026-08-20"]
    )
    assert (args.quarter, args.format, args.as_of, args.plan_dir) == (
        "2026Q3",
        "csv",
        date(2026, 8, 20),
        None,
    )
    with pytest.raises(SystemExit):
        parser().parse_args(["plan", "show", "--quarter", "2026Q3", "--format", "xlsx"])


def test_default_as_of_is_yesterday_or_the_quarter_end():
    assert default_as_of(date(2026, 7, 1), today=date(2026, 8, 21)) == date(2026, 8, 20)
    assert default_as_of(date(2026, 1, 1), today=date(2026, 11, 26)) == date(2026, 3, 31)


def row(node_id, level, metric, target, original=None, reason=None) -> TargetRow:
    return TargetRow(
        quarter="2026Q1",
        node_id=node_id,
        parent_node_id=None,
        dimension="product",
        level=level,
        node_name=node_id.split("/")[-1],
        metric=metric,
        target_value=Decimal(target),
        original_target_value=Decimal(original or target),
        revision_reason=reason,
        revision_effective_date=None,
        as_of_date=date(2026, 3, 31),
    )


def test_targets_are_formatted_for_people_and_for_tools():
    assert format_target("revenue", Decimal("12000000.000000"), for_people=True) == "12,000,000.00"
    assert format_target("revenue", Decimal("12000000.000000"), for_people=False) == "12000000.00"
    assert format_target("units", Decimal("3000.000000"), for_people=True) == "3,000"
    assert format_target("customers", Decimal("1000.000000"), for_people=False) == "1000"
    assert format_target("rate", Decimal("0.250000"), for_people=True) == "25%"
    assert format_target("rate", Decimal("0.125000"), for_people=False) == "0.125"
    preview = PlanPreview(
        quarter="2026Q1",
        as_of_date=date(2026, 3, 31),
        rows=[
            row("product/new", 1, "revenue", "3600000.000000"),
            row("product/new", 1, "units", "2500.000000", "3000.000000", "slow start"),
            row("product/new/sell_through_30d", 2, "rate", "0.150000"),
        ],
    )
    assert render_table(preview) == (
        "target tree 2026Q1 as of 2026-03-31\n"
        "node                              name              metric         target  original"
        "  revision\n"
        "--------------------------------  ----------------  -------  ------------  --------"
        "  ----------\n"
        "  product/new                     new               revenue  3,600,000.00\n"
        "  product/new                     new               units           2,500     3,000"
        "  slow start\n"
        "    product/new/sell_through_30d  sell_through_30d  rate              15%\n"
    )
    assert render_csv(preview).splitlines()[2] == (
        "2026Q1,product/new,,product,1,new,units,2500,3000,slow start,,2026-03-31"
    )
