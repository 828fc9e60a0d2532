"""Benchmark the pipeline against lower bounds measured in the same run.

    python bench/run.py                       # 100k, 1M and 3M order lines a quarter
    python bench/run.py --quick               # smoke run at a tiny scale (a few minutes)
    python bench/run.py --scales 100k,300k    # order lines per quarter
    python bench/run.py --phases engine       # only the DuckDB/Spark engine (30k, 100k)

Prints progress lines and a table of figures and goals, and writes
bench/results/latest.md, latest.json and bench-<timestamp>.json (--update-summary
also refreshes the committed results/summary.md). What each
figure means and how its lower bound is built: bench/README.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import sys
import tempfile
import time
from datetime import date, datetime
from pathlib import Path

# Before dagster, dbt or great-expectations are imported: nothing phones home.
os.environ.setdefault("DAGSTER_DISABLE_TELEMETRY", "1")
os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
os.environ.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")
os.environ.setdefault("DO_NOT_TRACK", "1")

from bench_figures import Figure, judge, markdown_table, text_table, write_json  # noqa: E402
from engine_report import (  # noqa: E402
    engines_json,
    engines_section,
    engines_section_of,
    replace_section,
)
from rss_sampler import TreeRssSampler  # noqa: E402

RESULTS_DIR = Path(__file__).resolve().parent / "results"  # bench/ is a script folder
REFERENCE_DATE = date(2026, 11, 26)  # fixed, so the quarters and their data never move
# The scales the performance goals are judged at: the three take about 45 minutes on 2 cores
# (3M alone about 25). The engine phase's default scales are smaller: Spark's build costs
# minutes per node on 2 cores, so at 1M it would outlast the whole pipeline benchmark.
DEFAULT_SCALES = "100k,1M,3M"
DEFAULT_ENGINE_SCALES = "30k,100k"
QUICK_SCALES = "3k"
DEFAULT_BACKFILL_QUARTERS = 2
# No budget unless asked for: the default scales are the ones the goals are judged at, and
# projected from 100k alone (proportionally: no fixed cost known yet) 1M looks like 40
# minutes when it takes about 11.
DEFAULT_BUDGET_MINUTES = 0.0
SUMMARY = "summary.md"
ENGINE_NAMES = ("duckdb", "spark")  # engine_timing.ENGINES (importing it imports dagster)
PHASES = ("pipeline", "engine")
DEFAULT_PHASES = ("pipeline",)


def say(message: str) -> None:
    # the real stdout: pipeline runs redirect sys.stdout to their log file
    print(f"{datetime.now():%H:%M:%S} {message}", file=sys.__stdout__, flush=True)


def parse_count(text: str) -> int:
    """'100k' -> 100000, '1.5M' -> 1500000, '2500' -> 2500."""
    text = text.strip().lower().replace("_", "")
    factor = {"k": 1_000, "m": 1_000_000}.get(text[-1:], 1)
    number = text[:-1] if factor > 1 else text
    try:
        value = int(float(number) * factor)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a line count: {text!r} (e.g. 100k, 1M)") from None
    if value < 500:
        raise argparse.ArgumentTypeError(f"scale {text!r} is below 500 order lines per quarter")
    return value


def parse_scales(text: str) -> list[int]:
    return sorted({parse_count(part) for part in text.split(",") if part.strip()})


def parse_choices(text: str, known: tuple[str, ...], what: str) -> list[str]:
    """'spark,duckdb' -> ['duckdb', 'spark'] (in the order of `known`); unknown names refused."""
    names = {part.strip().lower() for part in text.split(",") if part.strip()}
    unknown = names - set(known)
    if unknown or not names:
        raise argparse.ArgumentTypeError(
            f"{what}: {', '.join(sorted(unknown)) or 'none given'} (known: {', '.join(known)})"
        )
    return [name for name in known if name in names]


def parse_engines(text: str) -> list[str]:
    return parse_choices(text, ENGINE_NAMES, "unknown engine")


def parse_phases(text: str) -> list[str]:
    return parse_choices(text, PHASES, "unknown phase")


def default_scales(quick: bool, phases: list[str]) -> str:
    """The scales when --scales is not given: the engine phase's smaller ones whenever it
    runs (Spark at 1M would take hours on 2 cores), else the goals' 100k, 1M and 3M."""
    if quick:
        return QUICK_SCALES
    return DEFAULT_ENGINE_SCALES if "engine" in phases else DEFAULT_SCALES


def projected_seconds(measured: list[tuple[int, float]], lines: int) -> float:
    """Seconds a scale of `lines` should take, from the scales measured so far.

    Two or more: a straight line through the last two (a fixed cost plus a cost per
    line), never below the last one; one: proportional to lines (no fixed cost known).
    """
    if len(measured) == 1:
        ((known_lines, seconds),) = measured
        return seconds * lines / known_lines
    (lines_a, seconds_a), (lines_b, seconds_b) = measured[-2:]
    per_line = max(0.0, (seconds_b - seconds_a) / (lines_b - lines_a))
    return max(seconds_b, seconds_b + per_line * (lines - lines_b))


def failed_scale_note(label: str, error: BaseException, folder: Path, kept: bool) -> str:
    """What a scale that failed leaves in the notes (its folder stays when the work folder
    does: --work-dir or --keep)."""
    first_line = (str(error).strip().splitlines() or [""])[0]
    where = f"; its sources, warehouse and pipeline.log are in {folder}" if kept else ""
    return f"{label} FAILED, no figures: {type(error).__name__}: {first_line[:400]}{where}"


def load_average() -> str:
    try:
        one, five, fifteen = os.getloadavg()
    except OSError:
        return "unknown"
    return f"{one:.2f} / {five:.2f} / {fifteen:.2f} (1/5/15 min), {os.cpu_count()} CPUs"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="bench/run.py", description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument(
        "--scales",
        type=parse_scales,
        help=f"order lines per quarter, comma separated (default {DEFAULT_SCALES}; with the "
        f"engine phase {DEFAULT_ENGINE_SCALES}; --quick: {QUICK_SCALES})",
    )
    parser.add_argument(
        "--quick", action="store_true", help="smoke run: tiny scale, 2-quarter backfill"
    )
    parser.add_argument(
        "--backfill-quarters",
        type=int,
        help=f"closed quarters in the backfill figure, 1..8 (default {DEFAULT_BACKFILL_QUARTERS})",
    )
    parser.add_argument(
        "--budget-minutes",
        type=float,
        default=DEFAULT_BUDGET_MINUTES,
        help="skip a scale whose projected time (a fixed cost plus a cost per line, from the "
        "scales measured before it) "
        f"exceeds this (default {DEFAULT_BUDGET_MINUTES:g}; 0 = never skip)",
    )
    parser.add_argument(
        "--work-dir",
        type=Path,
        help="where sources and warehouses go (default: a temporary folder, removed after)",
    )
    parser.add_argument(
        "--results-dir", type=Path, default=RESULTS_DIR, help=f"default {RESULTS_DIR}"
    )
    parser.add_argument(
        "--engines",
        type=parse_engines,
        help="engines of the engine phase, comma separated: duckdb, spark (default both when "
        "pyspark, dbt-spark and java are there, else duckdb)",
    )
    parser.add_argument(
        "--phases",
        type=parse_phases,
        default=list(DEFAULT_PHASES),
        help="pipeline (every figure but the engines'), engine (DuckDB against Spark, after "
        "the sources and the full rebuild it reads), comma separated; default pipeline. "
        f"With engine alone, --update-summary replaces only the Engines section of "
        f"results/{SUMMARY}",
    )
    parser.add_argument(
        "--end-to-end-bound",
        action="store_true",
        help="also time the end-to-end figure's lower bound: the DB-API read and the "
        "hand-written SQL for every quarter (as long again as the end-to-end run's quarter "
        "builds at 1M lines and above; the figure has no goal)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the work folder")
    parser.add_argument(
        "--update-summary",
        action="store_true",
        help=f"also write results/{SUMMARY}, the committed summary the README links",
    )
    return parser


def _seconds(steps: dict[str, float]) -> str:
    return ", ".join(f"{name} {seconds:.1f}s" for name, seconds in steps.items())


def profile_lines(details: dict[str, dict]) -> list[str]:
    """Where the time goes at each scale: the facts a closing note is written from."""
    lines: list[str] = []
    for scale, detail in details.items():
        dbt = detail.get("transformation")
        lines += [f"### {scale}", ""]
        if dbt:  # the pipeline phases ran
            lines += [
                f"- end-to-end steps: {_seconds(detail.get('end_to_end_steps', {}))}",
                f"- nightly steps: {_seconds(detail.get('nightly_steps', {}))}",
                "- nightly's slowest check steps: "
                + _seconds(detail.get("nightly_slowest_checks", {})),
                f"- full rebuild steps: {_seconds(detail.get('rebuild_steps', {}))}",
                f"- backfill run steps: {_seconds(detail.get('backfill_steps', {}))}",
                "- one-quarter run steps (last): "
                + _seconds((detail.get("one_quarter_run_steps") or [{}])[-1]),
                "- validation in the end-to-end run: "
                + _seconds(detail.get("contracts_seconds", {})),
                f"- dbt build of one quarter: {dbt.get('dbt_wall_seconds')}s wall = "
                f"{dbt.get('dbt_startup_seconds')}s start-up/parse + "
                f"{dbt.get('dbt_elapsed_seconds')}s run (models {dbt.get('dbt_model_seconds')}s, "
                f"tests {dbt.get('dbt_test_seconds')}s summed over 2 threads); slowest "
                f"{dbt.get('dbt_slowest_nodes')}",
            ]
        lines += [
            f"- {engine} build of the project from empty: "
            f"{measured['build_wall_seconds']:.1f}s wall, start-up "
            f"{measured['startup_seconds']:.1f}s, seeds {measured['seed_seconds']:.1f}s, "
            f"models {measured['model_seconds']:.1f}s, tests {measured['test_seconds']:.1f}s "
            f"(summed over threads); slowest {measured['slowest']}"
            for engine, measured in (detail.get("engines") or {}).items()
        ]
        lines += [
            "- peak RSS per phase (MiB): "
            + ", ".join(
                f"{phase} {peak / 1024**2:,.0f}"
                for phase, peak in detail.get("phase_peak_rss_bytes", {}).items()
            ),
            "",
        ]
    return lines


def markdown_report(
    figures: list[Figure],
    context: dict[str, object],
    notes: list[str],
    details: dict[str, dict] | None = None,
) -> str:
    lines = [
        "# Benchmark results",
        "",
        f"- run: {context['started']} on {context['machine']}",
        f"- load average at start: {context['load_at_start']}; at end: {context['load_at_end']}",
        f"- scales (order lines per quarter): {context['scales']}; "
        f"backfill of {context['backfill_quarters']} quarters; reference date "
        f"{context['reference_date']}",
        f"- command: `{context['command']}`; total {context['total_seconds']:.0f}s",
        "",
        markdown_table(figures),
        "",
    ]
    engines = engines_section(details or {}, context)
    if engines:
        lines += [engines]
    lines += ["## Notes per figure", ""]
    for figure in figures:
        if figure.notes:
            lines.append(f"- **{figure.scale} · {figure.name}**: " + "; ".join(figure.notes))
    if notes:
        lines += ["", "## Run notes", "", *(f"- {note}" for note in notes)]
    if details:
        lines += ["", "## Where the time goes", "", *profile_lines(details)]
    return "\n".join(lines) + "\n"


def engine_settings(engines: list[str], memory_limit: str) -> str:
    """How each engine of the engine phase is set up (dbt_project/profiles.yml)."""
    described = {
        "duckdb": f"DuckDB with 2 dbt threads and a {memory_limit} memory limit",
        "spark": "Spark local[2] in the dbt process (session method), driver memory "
        + os.environ.get("SALES_TARGETS_SPARK_DRIVER_MEMORY", "2g")
        + ", 2 shuffle partitions, 2 dbt threads, intermediate steps stored as tables",
    }
    return "; ".join(described[engine] for engine in engines) or "none"


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    scales = args.scales or parse_scales(default_scales(args.quick, args.phases))
    backfill = args.backfill_quarters or DEFAULT_BACKFILL_QUARTERS
    if not 1 <= backfill <= 8:
        raise SystemExit("--backfill-quarters must be 1..8 (closed quarters 2024Q4..2026Q3)")

    from engine_timing import default_engines, spark_missing  # imports dagster, as below
    from scale_run import ScalePlan, ScaleRun  # imports dagster: after the environment is set

    from orchestration.settings import Settings

    notes: list[str] = []
    engines: list[str] = []
    if "engine" in args.phases:
        if args.engines is None:
            engines, left_out = default_engines()
            if left_out:
                say(left_out)
                notes.append(left_out)
        else:
            engines = args.engines
            missing = spark_missing() if "spark" in engines else None
            if missing:
                raise SystemExit(f"--engines spark: {missing}")

    started_at = datetime.now()
    context: dict[str, object] = {
        "started": f"{started_at:%Y-%m-%d %H:%M}",
        "machine": f"{platform.node()} ({platform.machine()}, {os.cpu_count()} CPUs, "
        f"Python {platform.python_version()})",
        "load_at_start": load_average(),
        "scales": ", ".join(f"{s:,}" for s in scales),
        "backfill_quarters": backfill,
        "reference_date": REFERENCE_DATE.isoformat(),
        "command": " ".join(["python bench/run.py", *(argv if argv is not None else sys.argv[1:])]),
        "phases": ", ".join(args.phases),
        "engine_settings": engine_settings(engines, Settings.from_env().warehouse_memory_limit),
    }
    say(f"benchmark: {context['scales']} order lines/quarter; load {context['load_at_start']}")
    work = args.work_dir or Path(tempfile.mkdtemp(prefix="sales-targets-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    figures: list[Figure] = []
    details: dict[str, object] = {}
    clock = time.perf_counter()
    measured: list[tuple[int, float]] = []
    try:
        with TreeRssSampler() as sampler:
            for lines in scales:
                plan = ScalePlan(
                    lines,
                    REFERENCE_DATE,
                    backfill_quarters=backfill,
                    engines=tuple(engines),
                    pipeline="pipeline" in args.phases,
                    end_to_end_bound=args.end_to_end_bound,
                )
                if measured and args.budget_minutes > 0:
                    projected = projected_seconds(measured, lines)
                    if projected > args.budget_minutes * 60:
                        note = (
                            f"skipped {plan.label}: projected {projected / 60:.0f} min from the "
                            f"scales before it exceeds the {args.budget_minutes:g}-minute budget"
                        )
                        say(note)
                        notes.append(note)
                        continue
                try:
                    result = ScaleRun(plan, work / f"lines-{lines}", sampler, say).measure()
                except Exception as exc:  # the scales measured before it still count
                    kept = args.keep or args.work_dir is not None
                    note = failed_scale_note(plan.label, exc, work / f"lines-{lines}", kept)
                    say(note)
                    notes.append(note)
                    continue
                say(f"[{plan.label}] measured in {result.seconds:.0f}s")
                figures += result.figures
                notes += [f"{plan.label}: {note}" for note in result.details["run_notes"]]
                details[plan.label] = result.details
                measured.append((lines, result.seconds))
                if not args.keep:  # the next scale needs the disk more than this one
                    shutil.rmtree(work / f"lines-{lines}", ignore_errors=True)
    finally:
        if not args.keep and args.work_dir is None:
            shutil.rmtree(work, ignore_errors=True)
    if not figures:
        say("no scale was measured")
        return 1
    judge(figures, largest_scale=figures[-1].scale)
    context["total_seconds"] = time.perf_counter() - clock
    context["load_at_end"] = load_average()
    engines_text = engines_section(details, context)
    print()
    print(text_table(figures))
    print()
    if engines_text:
        print(engines_text)
        context["engines"] = engines_json(details)
    stamp = f"{started_at:%Y%m%d-%H%M%S}"
    args.results_dir.mkdir(parents=True, exist_ok=True)
    report = markdown_report(figures, context, notes, details)
    (args.results_dir / "latest.md").write_text(report)
    written = [args.results_dir / "latest.md"]
    if args.update_summary:
        summary = args.results_dir / SUMMARY
        if "pipeline" in args.phases or not summary.exists():
            kept = engines_section_of(summary.read_text()) if summary.exists() else None
            if kept and not engines_text:  # the pipeline alone: the last Engines section stays
                report = replace_section(report, kept)
            summary.write_text(report)
        elif engines_text:  # the engine phase alone: the rest of the summary stays as it is
            summary.write_text(replace_section(summary.read_text(), engines_text))
        written.append(summary)
    for name in (f"bench-{stamp}.json", "latest.json"):
        write_json(args.results_dir / name, figures, {**context, "details": details})
    say("wrote " + ", ".join(str(p) for p in written) + f" and bench-{stamp}.json")
    missed = [f"{f.scale} {f.name}" for f in figures if f.verdict == "MISSED"]
    say("goals missed: " + (", ".join(missed) if missed else "none"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
