"""`sales-targets plan check|show|suggest`: the plan commands, registered into the main CLI."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import duckdb

from orchestration.partitions import date_argument
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


def cmd_plan_suggest(settings: Settings, args: argparse.Namespace) -> int:
    from decimal import Decimal, InvalidOperation

    from orchestration.plan.suggest import find_review, read_quarter_results, suggest_plan

    plan_dir = Path(args.plan_dir or settings.plan_dir)
    try:
        growth = Decimal(args.growth) if args.growth is not None else None
    except InvalidOperation:
        print(f"sales-targets: error: --growth {args.growth!r} is not a number", file=sys.stderr)
        return 2
    try:
        database, schema = find_review(settings.reporting_path, settings.warehouse_path)
        results = read_quarter_results(database, args.from_quarter, schema)
        suggestion = suggest_plan(
            plan_dir,
            results,
            args.out,
            growth=growth,
            fiscal_year_start_month=settings.fiscal_year_start_month,
            dbt_project_dir=settings.dbt_project_dir,
        )
    except (PlanError, TargetTreeBuildError, ValueError, duckdb.Error) as exc:
        print(f"sales-targets: error: {exc}", file=sys.stderr)
        return 1
    print(f"suggested plan for {suggestion.next_quarter} written to {args.out}")
    print(f"  rule: {suggestion.rule}")
    for (dimension, segment), share in suggestion.shares.items():
        print(f"  {dimension}/{segment}: share {share}")
    for note in suggestion.notes:
        print(f"  note: {note}")
    print(
        f"  next: sales-targets plan check --plan-dir {args.out}; "
        f"sales-targets plan show --quarter {suggestion.next_quarter} --plan-dir {args.out}"
    )
    return 0


def cmd_plan_init(settings: Settings, args: argparse.Namespace) -> int:
    from decimal import Decimal, InvalidOperation

    from orchestration.ingest.extract import SourceUnavailableError
    from orchestration.ingest.mapping import MappingError
    from orchestration.ingest.validate import ContractStructureError
    from orchestration.plan.init import init_plan
    from orchestration.transform.dbt_invocation import DbtCommandError

    try:
        growth = Decimal(args.growth)
    except InvalidOperation:
        print(f"sales-targets: error: --growth {args.growth!r} is not a number", file=sys.stderr)
        return 2
    try:
        plan = init_plan(
            settings,
            args.out,
            growth=growth,
            first_quarter=args.from_quarter,
            last_quarter=args.to_quarter,
            say=lambda line: print(line, flush=True),
        )
    except (MappingError, ContractStructureError) as exc:
        print(f"sales-targets: error: {exc}", file=sys.stderr)
        return 2
    except (PlanError, SourceUnavailableError, DbtCommandError, ValueError, duckdb.Error) as exc:
        print(f"sales-targets: error: {exc}", file=sys.stderr)
        return 1
    first, last = plan.quarters[0], plan.quarters[-1]
    print(f"starter plan for {first}..{last} written to {plan.out_dir} (passes plan check)")
    print(
        f"  {last}'s shares (each quarter's come from the four before it; "
        f"{last}'s from {', '.join(plan.share_history[last])}):"
    )
    for (dimension, segment), share in plan.shares[last].items():
        print(f"    {dimension}/{segment}: {share}")
    print("  quarter totals:")
    for quarter, how in plan.targets.items():
        print(f"    {quarter}: {how}")
    for note in plan.notes:
        print(f"  note: {note}")
    print(
        f"  next: export SALES_TARGETS_PLAN_DIR={plan.out_dir}; "
        f"sales-targets plan show --quarter {last}; "
        f"sales-targets backfill --from {first} --to {last}"
    )
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
        type=date_argument("--as-of"),
        help="apply revisions effective on or before this date "
        "(default: yesterday, or the quarter's last day once it is over)",
    )
    show.set_defaults(handler=cmd_plan_show)

    suggest = commands.add_parser(
        "suggest", help="write a next-quarter plan derived from a quarter's review"
    )
    suggest.add_argument(
        "--plan-dir", type=Path, help="plan folder to start from (default: the live plan, seeds/)"
    )
    suggest.add_argument(
        "--from", dest="from_quarter", required=True, help="reviewed quarter, e.g. 2026Q3"
    )
    suggest.add_argument("--out", type=Path, required=True, help="folder to write the plan to")
    suggest.add_argument(
        "--growth", help="growth on the quarter's actual (default: its revenue_growth, else 0.10)"
    )
    suggest.set_defaults(handler=cmd_plan_suggest)

    init = commands.add_parser(
        "init",
        help="write a starter plan from the mapped sources' org and last year's actuals",
    )
    init.add_argument("--out", type=Path, required=True, help="new folder to write the plan to")
    init.add_argument(
        "--growth",
        default="0.10",
        help="each quarter's growth on the same quarter last year (default 0.10)",
    )
    init.add_argument(
        "--from",
        dest="from_quarter",
        help="first planned quarter (default: SALES_TARGETS_FIRST_QUARTER, or the first "
        "quarter after the history's first)",
    )
    init.add_argument(
        "--to", dest="to_quarter", help="last planned quarter (default: the current one)"
    )
    init.set_defaults(handler=cmd_plan_init)
    return plan
