# Longer than 300 lines: one argument parser for every command, so their flags read alike.
"""`sales-targets`: generate demo sources, run and backfill quarters, check and preview the plan."""

from __future__ import annotations

import argparse
import contextlib
import sys
import time
from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path

from orchestration.partitions import date_argument, parse_quarter, quarter_label
from orchestration.run_window import RunWindow
from orchestration.settings import Settings
from orchestration.warehouse import WarehouseBusyError

EXIT_BUSY = 75  # EX_TEMPFAIL: the warehouse is being written by another run


class CliError(Exception):
    """An error the user can fix; printed without a traceback."""


def say(message: str) -> None:
    print(message, flush=True)


def _partition_keys(settings: Settings) -> list[date]:
    from orchestration.partitions import quarters_partitions_def

    partitions = quarters_partitions_def(
        settings.first_quarter_start, settings.fiscal_year_start_month
    )
    return [date.fromisoformat(key) for key in partitions.get_partition_keys()]


def _quarter(settings: Settings, label: str) -> date:
    known = _partition_keys(settings)
    fy = settings.fiscal_year_start_month
    valid = f"quarters run from {quarter_label(known[0], fy)} to {quarter_label(known[-1], fy)}"
    try:
        start = parse_quarter(label, fy)
    except ValueError as exc:
        raise CliError(f"{exc}; {valid}") from None
    if start not in known:
        raise CliError(f"quarter {label} is not a partition: {valid}")
    return start


def _check_engine(settings: Settings) -> None:
    """Fail before any source is read when the engine cannot run on this machine."""
    from orchestration.transform.engines import engine_problem

    problem = engine_problem(settings)
    if problem:
        raise CliError(problem)


def _check_plan(settings: Settings, first: date, last: date) -> None:
    """Fail before any source is read when the plan breaks a rule: one line per rule
    (the first few), and the command that lists them all."""
    from orchestration.plan.check import validate_plan_for_run
    from orchestration.plan.errors import PlanContractError

    fy = settings.fiscal_year_start_month
    quarters = [quarter_label(q, fy) for q in _partition_keys(settings) if first <= q <= last]
    try:
        validate_plan_for_run(settings, quarters)
    except PlanContractError as exc:
        errors = exc.errors
        shown = "\n  ".join(str(error) for error in errors[:5])
        more = f"\n  ... and {len(errors) - 5} more" if len(errors) > 5 else ""
        raise CliError(
            f"the plan {settings.plan_dir} breaks {len(errors)} rule(s); nothing was run:\n"
            f"  {shown}{more}\n"
            f"  see them all with: sales-targets plan check --plan-dir {settings.plan_dir}"
        ) from None


def _check_sources(settings: Settings) -> None:
    """Fail early, naming the mapping file or the source, when the source mapping is
    broken or a source database cannot be reached."""
    import sqlalchemy as sa

    from orchestration.ingest.mapping import MappingError, database_url, load_mapping

    try:
        mapping = load_mapping(settings.source_mapping_dir)
        systems = {t.url_variable: (t, database_url(t, settings)) for t in mapping.tables.values()}
    except MappingError as exc:
        raise CliError(str(exc)) from None
    for variable, (table, url) in systems.items():
        name = table.system
        masked = sa.engine.make_url(url).render_as_string(hide_password=True)
        if url.startswith("sqlite:///"):
            path = url.removeprefix("sqlite:///")
            if not Path(path).exists():
                raise CliError(
                    f"{name} source {masked} does not exist: run `sales-targets generate` "
                    f"for the demo sources or set {variable}"
                )
        engine = sa.create_engine(url)
        try:
            _connect_with_back_off(engine, name, url, masked, variable)
        finally:
            engine.dispose()


def _connect_with_back_off(engine, name: str, url: str, masked: str, variable: str) -> None:
    """Connect once, retrying a bounded number of times (a database restarting, a blip)."""
    import sqlalchemy as sa

    from orchestration.ingest.extract import CONNECT_ATTEMPTS, FIRST_RETRY_DELAY_SECONDS

    password = sa.engine.make_url(url).password
    delay = FIRST_RETRY_DELAY_SECONDS
    for attempt in range(1, CONNECT_ATTEMPTS + 1):
        try:
            with engine.connect():
                return
        except Exception as exc:  # noqa: BLE001 - any driver error means unreachable
            text = str(getattr(exc, "orig", None) or exc).strip()
            reason = text.splitlines()[0] if text else type(exc).__name__
            if password:
                reason = reason.replace(password, "***")
            if attempt == CONNECT_ATTEMPTS:
                raise CliError(
                    f"{name} source {masked} is unreachable after {attempt} attempts: "
                    f"{type(exc).__name__} ({reason}). Check {variable}."
                ) from None
            say(f"{name} source {masked}: attempt {attempt} failed; retrying in {delay:.0f}s")
            time.sleep(delay)
            delay *= 2


def _execute(settings: Settings, window: RunWindow, verbose: bool):
    """Run the quarter job. Quiet by default: one line per step on the terminal, and
    Dagster's and dbt's logs in a file under the data dir (`--verbose` prints them)."""
    from orchestration.runner import run_window

    if verbose:
        return run_window(settings, window)
    log_path = settings.data_dir / "logs" / f"run-{datetime.now():%Y%m%d-%H%M%S-%f}.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    terminal = sys.stdout
    say(f"  logs: {log_path} (--verbose prints them here)")
    with (
        open(log_path, "w", encoding="utf-8") as log,
        contextlib.redirect_stdout(log),
        contextlib.redirect_stderr(log),
    ):
        return run_window(
            settings, window, progress=lambda line: print(line, file=terminal, flush=True)
        )


def _report_outcome(settings: Settings, outcome) -> int:
    verdict = "succeeded" if outcome.success else "FAILED"
    say(f"run {outcome.run_id} {verdict} in {outcome.seconds:.1f}s")
    say(f"  assets materialized: {len(outcome.materialized)}")
    if outcome.failed_checks:
        say(f"  failed checks ({len(outcome.failed_checks)}):")
        for check in outcome.failed_checks[:20]:
            say(f"    - {check}")
    if outcome.error:
        say(f"  error: {outcome.error}")
    if outcome.success:
        say(f"  warehouse: {settings.warehouse_path}")
        if settings.reporting_path.exists():
            say(f"  reporting store: {settings.reporting_path}")
            say(f"  parquet: {settings.parquet_dir}")
    return 0 if outcome.success else 1


def cmd_generate(settings: Settings, args: argparse.Namespace) -> int:
    from orchestration.demo_sources.generate import generate_sources

    orders = int(args.orders_per_quarter * args.scale)
    say(
        f"generating demo sources: {orders:,} orders per quarter, seed {args.seed}, "
        f"reference date {args.reference_date}"
    )
    summary = generate_sources(
        args.crm_url or settings.crm_database_url,
        args.orders_url or settings.orders_database_url,
        reference_date=args.reference_date,
        seed=args.seed,
        orders_per_quarter=orders,
        first_quarter_start=date.fromisoformat(settings.first_quarter_start),
        progress=lambda message: say(f"  {message}"),
    )
    say(
        f"wrote {summary.order_lines:,} order lines in {summary.seconds:.1f}s "
        f"({summary.order_lines_per_second:,.0f} lines/s)"
    )
    return 0


def cmd_prepare(settings: Settings, args: argparse.Namespace) -> int:
    from orchestration.transform.project import ensure_manifest

    path = ensure_manifest(settings, force=True)
    say(f"dbt manifest: {path}")
    return 0


RESTATING = ", restating closed quarters with the status changes recorded since they closed"
RESTATE_HELP = (
    "recompute closed quarters with every refund and cancellation known today; without it a "
    "closed quarter keeps the numbers as of its last day (docs/as-of.md)"
)


def cmd_run(settings: Settings, args: argparse.Namespace) -> int:

    start = _quarter(settings, args.quarter)
    window = RunWindow.from_quarters(start, as_of=args.as_of, restate=args.restate)
    _check_engine(settings)
    _check_plan(settings, start, start)
    _check_sources(settings)
    say(
        f"running {quarter_label(start, settings.fiscal_year_start_month)}"
        + (f" as of {args.as_of}" if args.as_of else "")
        + (RESTATING if args.restate else "")
    )
    return _report_outcome(settings, _execute(settings, window, args.verbose))


def cmd_backfill(settings: Settings, args: argparse.Namespace) -> int:

    first, last = _quarter(settings, args.from_quarter), _quarter(settings, args.to_quarter)
    if last < first:
        raise CliError(f"--from {args.from_quarter} is after --to {args.to_quarter}")
    window = RunWindow.from_quarters(first, last, restate=args.restate)
    _check_engine(settings)
    _check_plan(settings, first, last)
    _check_sources(settings)
    count = len([q for q in _partition_keys(settings) if first <= q <= last])
    say(
        f"backfilling {count} quarters {args.from_quarter}..{args.to_quarter} in one run"
        + (RESTATING if args.restate else "")
    )
    return _report_outcome(settings, _execute(settings, window, args.verbose))


def cmd_demo(settings: Settings, args: argparse.Namespace) -> int:

    started = time.monotonic()
    keys = _partition_keys(settings)
    _check_engine(settings)
    _check_plan(settings, keys[0], keys[-1])
    if settings.engine != "duckdb":
        say(f"engine: {settings.engine} (tables in {settings.spark_dir})")
    say("[1/3] demo sources")
    if args.regenerate or not (settings.sources_dir / "orders.sqlite").exists():
        cmd_generate(settings, args)
    else:
        say(f"  reusing {settings.sources_dir} (pass --regenerate to rebuild)")
    fy = settings.fiscal_year_start_month
    say(
        f"[2/3] materializing {len(keys)} quarters {quarter_label(keys[0], fy)}.."
        f"{quarter_label(keys[-1], fy)} (ingest, dbt, checks, publish)"
    )
    outcome = _execute(settings, RunWindow.from_quarters(keys[0], keys[-1]), args.verbose)
    code = _report_outcome(settings, outcome)
    if code:
        return code
    say("[3/3] outputs")
    for label, path in (
        ("warehouse", settings.warehouse_path),
        ("reporting store", settings.reporting_path),
        ("parquet", settings.parquet_dir),
        ("report", settings.reports_dir / "index.html"),
        ("gx data docs", settings.docs_dir / "gx" / "index.html"),
        ("dbt docs", settings.docs_dir / "dbt" / "index.html"),
    ):
        if path.exists():
            say(f"  {label:16} {path}")
    say(f"demo finished in {time.monotonic() - started:.0f}s; `make dev` shows the runs in Dagster")
    return 0


def cmd_sources_check(settings: Settings, args: argparse.Namespace) -> int:
    from orchestration.ingest.mapping import MappingError, load_mapping
    from orchestration.ingest.source_check import check_mapping, report_lines

    folder = Path(args.mapping).resolve() if args.mapping else settings.source_mapping_dir
    try:
        mapping = load_mapping(folder)
    except MappingError as exc:
        raise CliError(str(exc)) from None
    say(f"source mapping {folder}")
    checks = []
    for line in report_lines(
        _kept(check_mapping(settings, mapping, args.sample), checks), args.show
    ):
        say(line)
    if mapping.unmapped:
        say(f"not mapped (published as not measured): {', '.join(mapping.unmapped)}")
    errors = [check.error for check in checks if not check.ok]
    if errors:
        for error in errors:
            print(f"sales-targets: error: {error}", file=sys.stderr)
        return 2
    say(f"mapping OK: {len(checks)} tables read")
    return 0


def _kept(items, into: list):
    """Pass `items` on one by one, keeping each in `into`."""
    for item in items:
        into.append(item)
        yield item


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="sales-targets", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def add_verbose_option(sub: argparse.ArgumentParser) -> None:
        sub.add_argument(
            "--verbose",
            action="store_true",
            help="print Dagster's and dbt's logs (default: one line per step, logs in a file)",
        )

    def add_generate_options(sub: argparse.ArgumentParser) -> None:
        sub.add_argument(
            "--orders-per-quarter",
            type=int,
            default=12_000,
            help="orders per quarter in the demo sources (default 12000)",
        )
        sub.add_argument(
            "--scale",
            type=float,
            default=1.0,
            help="multiplier on --orders-per-quarter (e.g. 10 for a benchmark)",
        )
        sub.add_argument("--seed", type=int, default=7, help="random seed (default 7)")
        sub.add_argument(
            "--reference-date",
            type=date_argument("--reference-date"),
            default=date.today(),
            help="'today' of the demo world (default: today)",
        )
        sub.add_argument(
            "--crm-url", help="SQLAlchemy URL to write the CRM to (default from settings)"
        )
        sub.add_argument("--orders-url", help="SQLAlchemy URL to write the order system to")

    demo = commands.add_parser("demo", help="generate demo sources and materialize every quarter")
    add_generate_options(demo)
    demo.add_argument("--regenerate", action="store_true", help="rebuild the demo sources")
    add_verbose_option(demo)
    demo.set_defaults(handler=cmd_demo)

    generate = commands.add_parser("generate", help="write the demo CRM and order databases")
    add_generate_options(generate)
    generate.set_defaults(handler=cmd_generate)

    prepare = commands.add_parser("prepare", help="parse the dbt project (writes the manifest)")
    prepare.set_defaults(handler=cmd_prepare)

    run = commands.add_parser("run", help="materialize one quarter (ingest, dbt, checks, publish)")
    run.add_argument("--quarter", required=True, help="quarter as YYYYQn, e.g. 2026Q3")
    run.add_argument(
        "--as-of",
        type=date_argument("--as-of"),
        help="compute as of this date instead of yesterday / the quarter end",
    )
    run.add_argument("--restate", action="store_true", help=RESTATE_HELP)
    add_verbose_option(run)
    run.set_defaults(handler=cmd_run)

    backfill = commands.add_parser("backfill", help="materialize a range of quarters in one run")
    backfill.add_argument(
        "--from", dest="from_quarter", required=True, help="first quarter, e.g. 2024Q4"
    )
    backfill.add_argument(
        "--to", dest="to_quarter", required=True, help="last quarter, e.g. 2026Q3"
    )
    backfill.add_argument("--restate", action="store_true", help=RESTATE_HELP)
    add_verbose_option(backfill)
    backfill.set_defaults(handler=cmd_backfill)

    sources = commands.add_parser("sources", help="check how the source systems are read")
    source_commands = sources.add_subparsers(dest="sources_command", required=True)
    check = source_commands.add_parser(
        "check",
        help="run each mapped select with a limit: columns, sample rows, what would be "
        "quarantined; exit 2 on any mapping error",
    )
    check.add_argument(
        "--mapping", help="mapping folder (default SALES_TARGETS_SOURCE_MAPPING, sources/demo)"
    )
    check.add_argument("--sample", type=int, default=100, help="rows read per table (default 100)")
    check.add_argument("--show", type=int, default=2, help="sample rows printed per table")
    check.set_defaults(handler=cmd_sources_check)

    try:
        from orchestration.plan.cli import register_plan_commands
    except ImportError:  # the plan package is optional at this layer
        register_plan_commands = None
    if register_plan_commands:
        register_plan_commands(commands)
    from orchestration.report.cli import register_report_commands

    register_report_commands(commands)
    from orchestration.alerts.cli import register_alert_commands

    register_alert_commands(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    settings = Settings.from_env()
    try:
        return int(args.handler(settings, args) or 0)
    except CliError as exc:
        print(f"sales-targets: error: {exc}", file=sys.stderr)
        return 2
    except WarehouseBusyError as exc:
        # Another run holds the one-writer lock: nothing was written, try again later.
        print(f"sales-targets: busy: {exc}", file=sys.stderr)
        return EXIT_BUSY
    except KeyboardInterrupt:
        print("sales-targets: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
