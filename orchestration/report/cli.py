"""`sales-targets status|report`: read the published store, print the tree or write the HTML."""

from __future__ import annotations

import argparse
import sys
import webbrowser

from orchestration.partitions import parse_quarter, quarter_label
from orchestration.report.store import ReportStoreMissing, published_store
from orchestration.settings import Settings


class ReportCommandError(Exception):
    """A problem the user can fix (no store yet, unknown quarter)."""


def _fail(message: str) -> int:
    print(f"sales-targets: error: {message}", file=sys.stderr)
    return 2


def _normalise_quarter(settings: Settings, label: str, published: list[str]) -> str:
    fy = settings.fiscal_year_start_month
    try:
        return quarter_label(parse_quarter(label, fy), fy)
    except ValueError as exc:
        raise ReportCommandError(f"{exc}; published: {', '.join(published)}") from None


def _pick_quarter(settings: Settings, published: list[str], label: str | None) -> str:
    if not published:
        raise ReportCommandError(
            f"the reporting store {settings.reporting_path} holds no quarter yet: run `make demo`"
        )
    if label is None:
        return published[-1]  # the newest quarter: the one in progress
    quarter = _normalise_quarter(settings, label, published)
    if quarter not in published:
        raise ReportCommandError(
            f"quarter {quarter} is not in the reporting store {settings.reporting_path}; "
            f"published: {', '.join(published)}"
        )
    return quarter


def cmd_status(settings: Settings, args: argparse.Namespace) -> int:
    from orchestration.report.quarter_data import load_quarter
    from orchestration.report.terminal import can_draw_blocks, render_status, use_color

    try:
        with published_store(settings) as store:
            quarter = _pick_quarter(settings, store.quarters(), args.quarter)
            report = load_quarter(store, quarter, settings.fiscal_year_start_month)
    except (ReportStoreMissing, ReportCommandError) as exc:
        return _fail(str(exc))
    sys.stdout.write(
        render_status(
            report,
            level=args.level,
            color=use_color(sys.stdout),
            blocks=can_draw_blocks(sys.stdout),
        )
    )
    return 0


def cmd_report(settings: Settings, args: argparse.Namespace) -> int:
    from orchestration.report.html import INDEX_NAME, render_reports
    from orchestration.report.people import PEOPLE_DIR

    try:
        with published_store(settings) as store:
            published = store.quarters()
        quarters = None
        if args.quarter:
            quarters = [_pick_quarter(settings, published, args.quarter)]
        paths = render_reports(settings, quarters=quarters)
    except (ReportStoreMissing, ReportCommandError) as exc:
        return _fail(str(exc))
    reports_dir = settings.reports_dir
    people_dir = reports_dir / PEOPLE_DIR
    shown = [path for path in paths if not path.is_relative_to(people_dir)]
    for path in shown:
        print(f"  {path}")
    if len(shown) < len(paths):  # one line for them: a quarter has a page per rep and group
        print(f"  {people_dir}/: {len(paths) - len(shown)} rep and group pages")
    target = reports_dir / (f"{quarters[0]}.html" if quarters else INDEX_NAME)
    print(f"report: {target}")
    if args.open:
        webbrowser.open(target.resolve().as_uri())
    return 0


def register_report_commands(subparsers: argparse._SubParsersAction) -> None:
    """Add `status` and `report` to a CLI's sub-commands.

    Handlers are set as `handler(settings, args) -> exit code`, the main CLI's convention.
    """
    status = subparsers.add_parser(
        "status", help="print a quarter's target tree with completion and flags"
    )
    status.add_argument(
        "--quarter", help="quarter as YYYYQn (default: the newest published quarter)"
    )
    status.add_argument(
        "--level",
        choices=("region", "group", "rep"),
        default="region",
        help="how deep to show the team dimension (default: region)",
    )
    status.set_defaults(handler=cmd_status)

    report = subparsers.add_parser(
        "report", help="regenerate the HTML report from the published store"
    )
    report.add_argument(
        "--quarter", help="only this quarter's page, YYYYQn (default: every published quarter)"
    )
    report.add_argument("--open", action="store_true", help="open the report in a browser")
    report.set_defaults(handler=cmd_report)
