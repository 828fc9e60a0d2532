"""`sales-targets plan check|show`: the plan commands, registered into the main CLI."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from orchestration.partitions import parse_date
from orchestration.plan.check import check_plan
from orchestration.plan.dbt_build import TargetTreeBuildError
from orchestration.plan.errors import PlanError
from orchestration.plan.org import load_org
from orchestration.plan.render import render_csv, render_notes, render_table
from orchestration.settings import Settings


def cmd_plan_check(settings: Settings, args: argparse.Namespace) -> int:
    plan_dir = Path(args.plan_dir or settings.plan_dir)
    org, org_note = (None, "not checked (--no-warehouse)")
    if not args.no_warehouse:
        org, org_note = load_org(settings.warehouse_path)
    errors = check_plan(plan_dir, org=org, fiscal_year_start_month=settings.fiscal_year_start_month)
    if errors:
        count = len(errors)
        print(f"plan {plan_dir} breaks {count} rule{'s' if count > 1 else ''}:")
        for error in errors:
            print(f"  - {error}")
        return 1
    print(f"plan {plan_dir} is valid")
    print(f"  groups and reps: {org_note}")
    return 0


def cmd_plan_show(settings: Settings, args: argparse.Namespace) -> int:
    from orchestration.plan.preview import show_plan

    plan_dir = Path(args.plan_dir or settings.plan_dir)
    try:
        preview = show_plan(
            plan_dir,
            args.quarter,
            as_of=args.as_of,
            settings=settings,
            use_warehouse=not args.no_warehouse,
        )
    except PlanError as exc:
        print(f"sales-targets: error: {exc}", file=sys.stderr)
        return 1
    except (TargetTreeBuildError, ValueError) as exc:
        print(f"sales-targets: error: {exc}", file=sys.stderr)
        return 1
    if args.format == "csv":
        sys.stdout.write(render_csv(preview))
        sys.stderr.write(render_notes(preview))
    else:
        sys.stdout.write(render_table(preview))
        sys.stdout.write(render_notes(preview))
    return 0


def register_plan_commands(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Add `plan check` and `plan show` to a CLI's sub-commands.

    Handlers are set as `handler(settings, args) -> exit code`, the main CLI's convention.
    """
    plan = subparsers.add_parser("plan", help="check or preview the plan (seeds/)")
    commands = plan.add_subparsers(dest="plan_command", required=True, metavar="PLAN_COMMAND")

    def add_common(sub: argparse.ArgumentParser) -> None:
        sub.add_argument(
            "--plan-dir", type=Path, help="plan folder to use (default: the live plan, seeds/)"
        )
        sub.add_argument(
            "--no-warehouse",
            action="store_true",
            help="ignore the warehouse (org and last quarter's actuals)",
        )

    check = commands.add_parser("check", help="validate the plan files (file, line and rule)")
    add_common(check)
    check.set_defaults(handler=cmd_plan_check)

    show = commands.add_parser("show", help="print a quarter's target tree from the plan")
    add_common(show)
    show.add_argument("--quarter", required=True, help="quarter as YYYYQn, e.g. 2026Q3")
    show.add_argument(
        "--format",
        choices=("table", "csv"),
        default="table",
        help="table for people (default), csv for tools",
    )
    show.add_argument(
        "--as-of",
        type=lambda value: parse_date(value, "--as-of"),
        help="apply revisions effective on or before this date "
        "(default: yesterday, or the quarter's last day once it is over)",
    )
    show.set_defaults(handler=cmd_plan_show)
    return plan
