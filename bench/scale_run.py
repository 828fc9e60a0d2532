"""Every figure at one scale: the pipeline runs and the lower bounds they are divided by.

The order of work, each step on warehouses of its own under the scale's folder:
1. today's and yesterday's sources (source_states.py);
2. end-to-end: a new warehouse from yesterday's sources to the published store, every
   quarter in one run; validation time is clocked during it (contracts share);
3. nightly: the same warehouse, today's sources, the current quarter as of the last day;
4. full rebuild: a new warehouse, today's sources, the current quarter (its ingestion is
   the ingestion figure);
5. transformation: `dbt build` of the last closed quarter, then the hand-written SQL on
   the same warehouse, whose actuals must match the pipeline's;
6. engine: the rebuild warehouse's raw tables landed for each engine and the last closed
   quarter built on each from empty (DuckDB, Spark), with each one's start-up measured
   alone (engine_timing.py);
7. backfill: on the end-to-end warehouse, N closed quarters in one run, then one by one.

`phases` picks "pipeline" (2-5 and 7) and "engine" (6); the engine phase alone still
generates the sources and runs the full rebuild whose warehouse it reads.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import asdict, dataclass, field, replace
from datetime import date, timedelta
from pathlib import Path

import dagster as dg
from bench_figures import Figure
from contract_clock import CHECK_STEPS, ContractClock, ingest_metadata, step_timings
from dbt_timing import run_quarter_build
from engine_fit import per_line_microseconds
from engine_timing import EngineBuild
from lower_bounds import compare_actuals, dbapi_fetch, run_hand_written
from rss_sampler import TreeRssSampler
from source_states import SOURCE_FILES, SourceStates, build_source_states

from orchestration.partitions import (
    QuarterWindow,
    add_months,
    quarter_end_of,
    quarter_label,
    quarter_start_of,
    quarter_starts,
    window_for_partitions,
)
from orchestration.runner import RunOutcome, run_quarters
from orchestration.settings import Settings, sqlite_url

Progress = Callable[[str], None]


@dataclass(frozen=True)
class ScalePlan:
    lines_per_quarter: int
    reference_date: date
    backfill_quarters: int = 8
    seed: int = 7
    engines: tuple[str, ...] = ()  # the engine phase's engines; none: no engine phase
    pipeline: bool = True  # the pipeline phases (end-to-end .. transformation, backfill)
    # also time the end-to-end run's lower bound (the hand-written SQL for every quarter:
    # as long as the run's quarter builds at 1M lines and above, and a figure with no goal)
    end_to_end_bound: bool = False

    @property
    def label(self) -> str:
        return f"{_compact(self.lines_per_quarter)} lines/q"


@dataclass
class ScaleResult:
    plan: ScalePlan
    figures: list[Figure]
    details: dict[str, object] = field(default_factory=dict)
    seconds: float = 0.0


def _load() -> float:
    """The 1-minute load average (the machine is shared: the engine rows note it)."""
    try:
        return os.getloadavg()[0]
    except OSError:
        return float("nan")


def _compact(number: float) -> str:
    for unit, size in (("M", 1_000_000), ("k", 1_000)):
        if number >= size:
            return f"{number / size:.3g}{unit}"
    return f"{number:.0f}"


def _sources_of(folder: Path) -> dict[str, str]:
    """Settings fields pointing the pipeline at the source files in `folder`."""
    return {
        "crm_database_url": sqlite_url(folder / SOURCE_FILES["crm"]),
        "orders_database_url": sqlite_url(folder / SOURCE_FILES["orders"]),
    }


def _settings(base: Settings, data_dir: Path, sources: Path) -> Settings:
    return replace(base.with_data_dir(data_dir), **_sources_of(sources))


def _require(outcome: RunOutcome, what: str) -> RunOutcome:
    if not outcome.success:
        failed = ", ".join(outcome.failed_checks[:5])
        raise RuntimeError(f"{what} failed: {outcome.error} {failed}".strip())
    return outcome


def _steps_summary(instance: dg.DagsterInstance, run_id: str) -> dict[str, float]:
    """Seconds per kind of step: ingest, each dbt step, publish, docs, check steps."""
    summary: dict[str, float] = {}
    for step in step_timings(instance, run_id):
        if step.is_check_only:
            kind = CHECK_STEPS
        elif step.step_key.startswith(("crm__", "orders__")):
            kind = "ingest"
        else:
            kind = step.step_key
        summary[kind] = round(summary.get(kind, 0.0) + step.seconds, 2)
    return summary


class ScaleRun:
    def __init__(
        self, plan: ScalePlan, folder: Path, sampler: TreeRssSampler, progress: Progress
    ) -> None:
        self.plan = plan
        self.folder = folder
        self.sampler = sampler
        self.progress = progress
        self.base = Settings.from_env()
        self.fiscal = self.base.fiscal_year_start_month
        self.instance = dg.DagsterInstance.ephemeral()
        self.details: dict[str, object] = {"phase_peak_rss_bytes": {}}
        # phases that measure a lower bound or make the data: not the pipeline's memory
        self.lower_bound_phases: set[str] = set()
        self.figures: list[Figure] = []
        self.run_notes: list[str] = []

    # ------------------------------------------------------------ helpers
    def _phase(self, name: str) -> float:
        self.progress(f"[{self.plan.label}] {name} ...")
        self.sampler.reset()
        return time.perf_counter()

    def _done(self, name: str, started: float, extra: str = "", lower_bound: bool = False) -> float:
        seconds = time.perf_counter() - started
        self.details["phase_peak_rss_bytes"][name] = self.sampler.peak_bytes
        if lower_bound:
            self.lower_bound_phases.add(name)
        peak = self.sampler.peak_bytes / 1024**2
        self.progress(
            f"[{self.plan.label}] {name} done in {seconds:.1f}s (peak RSS {peak:,.0f} MiB)"
            + (f": {extra}" if extra else "")
        )
        return seconds

    def _figure(
        self,
        name: str,
        value: float | None,
        measured: str,
        bound: str,
        *notes: str,
        engine: str = "",
    ):
        figure = Figure(
            name, self.plan.label, value, measured, bound, notes=list(notes), engine=engine
        )
        self.figures.append(figure)

    def _run(self, settings: Settings, first: date, last: date | None = None, as_of=None):
        """One pipeline run; dbt's console output goes to the scale's log, not the terminal.

        A failed run is retried once and the failure recorded in the run notes: a flaky
        gate must not throw away an hour of measurements, nor go unreported.
        """
        for attempt in (1, 2):
            with (
                open(self.folder / "pipeline.log", "a") as log,
                redirect_stdout(log),
                redirect_stderr(log),
            ):
                outcome = run_quarters(
                    settings, first, last, as_of=as_of, instance=self.instance, log_level="ERROR"
                )
            if outcome.success or attempt == 2:
                return outcome
            failure = f"run {first}..{last or first} failed and was retried: {outcome.error}"
            self.progress(f"[{self.plan.label}] {failure[:300]}")
            self.run_notes.append(failure[:1000])
        raise AssertionError("unreachable")

    # ------------------------------------------------------------ the scale
    def measure(self) -> ScaleResult:
        started = time.perf_counter()
        states = self._sources()
        first_quarter = date.fromisoformat(self.base.first_quarter_start)
        current = quarter_start_of(states.last_day, self.fiscal)
        last_closed = add_months(current, -3)
        e2e_settings = _settings(self.base, self.folder / "e2e", states.yesterday)
        if self.plan.pipeline:
            self._end_to_end(e2e_settings, states, first_quarter, current)
            self._nightly_and_rebuild(e2e_settings, states, current)
            self._transformation(states, last_closed)
        else:
            self._rebuild_only(states, current)
        if self.plan.engines:
            self._engines(states, last_closed)
        if self.plan.pipeline:
            self._backfill(replace(e2e_settings, **_sources_of(states.today)), last_closed)
            self._peak_memory()
        self.figures.sort(key=lambda f: FIGURE_ORDER.index(f.name))
        self.details["run_notes"] = self.run_notes
        return ScaleResult(self.plan, self.figures, self.details, time.perf_counter() - started)

    def _peak_memory(self) -> None:
        peaks = {
            phase: peak
            for phase, peak in self.details["phase_peak_rss_bytes"].items()
            if phase not in self.lower_bound_phases
        }
        peak_phase = max(peaks, key=peaks.get)
        self._figure(
            "peak memory",
            float(peaks[peak_phase]),
            f"{peaks[peak_phase] / 1024**2:,.0f} MiB in {peak_phase}",
            "process tree RSS, sampled every 100 ms",
        )

    def _closed_window(self, states: SourceStates, quarter: date) -> tuple[str, QuarterWindow]:
        """The last closed quarter's label and dbt window, as of the sources' last day."""
        window = window_for_partitions(
            quarter, add_months(quarter, 3), today=states.last_day + timedelta(days=1)
        )
        return quarter_label(quarter, self.fiscal), window

    def _sources(self) -> SourceStates:
        started = self._phase("generating sources")
        states = build_source_states(
            self.folder / "sources",
            self.plan.lines_per_quarter,
            self.plan.reference_date,
            self.plan.seed,
        )
        generation = states.generation
        quarters = len(generation.quarters)
        self.details["generation"] = {
            "rows_per_table": generation.rows_per_table,
            "order_lines": generation.order_lines,
            "order_lines_per_quarter_mean": round(generation.order_lines / quarters),
            "rows_removed_for_yesterday": states.rows_removed_for_yesterday,
        }
        self._done(
            "generating sources",
            started,
            f"{generation.order_lines:,} order lines in {quarters} quarters, "
            f"{sum(generation.rows_per_table.values()):,} rows",
            lower_bound=True,
        )
        return states

    def _end_to_end(self, settings: Settings, states: SourceStates, first: date, last: date):
        as_of = states.last_day - timedelta(days=1)
        span = f"{quarter_label(first, self.fiscal)}..{quarter_label(last, self.fiscal)}"
        name = f"end-to-end ({span})"
        started = self._phase(name)
        with ContractClock() as clock:
            outcome = _require(self._run(settings, first, last, as_of=as_of), name)
        wall = self._done(name, started)
        steps = _steps_summary(self.instance, outcome.run_id)
        self.details["end_to_end_steps"] = steps
        validation = clock.snapshot()
        check_steps = steps.get(CHECK_STEPS, 0.0)
        if check_steps:
            validation[CHECK_STEPS] = check_steps
        self.details["contracts_seconds"] = {k: round(v, 2) for k, v in validation.items()}
        share = sum(validation.values()) / wall
        breakdown = ", ".join(f"{k} {v:.1f}s" for k, v in sorted(validation.items()))
        notes = [f"not clocked (moved?): {', '.join(clock.missing)}"] if clock.missing else []
        self._figure(
            "contracts",
            share,
            f"{sum(validation.values()):.1f}s validating",
            f"{wall:.1f}s end-to-end wall",
            breakdown,
            *notes,
        )
        quarters = quarter_starts(first, last)
        bound = "lower bound not measured (--end-to-end-bound)"
        if self.plan.end_to_end_bound:
            # read every source row once, and compute every quarter by hand
            fetch = dbapi_fetch(*(states.yesterday / f for f in SOURCE_FILES.values()))
            sql_seconds = sum(
                run_hand_written(
                    settings.warehouse_path,
                    quarter_label(q, self.fiscal),
                    q,
                    min(as_of, quarter_end_of(q)),
                    settings.warehouse_memory_limit,
                ).seconds
                for q in quarters
            )
            total = fetch.seconds + sql_seconds
            bound = (
                f"{total:.1f}s = DB-API read {fetch.seconds:.1f}s + hand SQL {sql_seconds:.1f}s "
                f"({wall / total:.0f}x)"
            )
        self._figure(
            "end-to-end",
            wall,
            f"{wall:.1f}s, {len(quarters)} quarters, sources to published store",
            bound,
            "steps: " + ", ".join(f"{k} {v:.0f}s" for k, v in steps.items()),
        )

    def _nightly_and_rebuild(self, e2e: Settings, states: SourceStates, current: date) -> None:
        label = quarter_label(current, self.fiscal)
        nightly_settings = replace(e2e, **_sources_of(states.today))
        started = self._phase(f"nightly {label} after one new day")
        nightly = _require(self._run(nightly_settings, current, as_of=states.last_day), "nightly")
        nightly_wall = self._done(f"nightly {label} after one new day", started)
        nightly_rows, _ = ingest_metadata(self.instance, nightly.run_id)

        rebuild_settings = _settings(self.base, self.folder / "rebuild", states.today)
        started = self._phase(f"full rebuild of {label}")
        rebuild = _require(self._run(rebuild_settings, current, as_of=states.last_day), "rebuild")
        rebuild_wall = self._done(f"full rebuild of {label}", started)
        rebuild_steps = _steps_summary(self.instance, rebuild.run_id)
        nightly_steps = _steps_summary(self.instance, nightly.run_id)
        self.details["nightly_steps"] = nightly_steps
        # the nightly's five slowest check-only steps: which contract a slow night read
        checks = sorted(
            (step for step in step_timings(self.instance, nightly.run_id) if step.is_check_only),
            key=lambda step: -step.seconds,
        )
        self.details["nightly_slowest_checks"] = {s.step_key: s.seconds for s in checks[:5]}
        self.details["rebuild_steps"] = rebuild_steps
        self._figure(
            "nightly incremental",
            nightly_wall / rebuild_wall,
            f"{nightly_wall:.1f}s, {nightly_rows:,} source rows re-read",
            f"{rebuild_wall:.1f}s full rebuild (new warehouse, all sources)",
            "nightly steps: " + ", ".join(f"{k} {v:.0f}s" for k, v in nightly_steps.items()),
        )

        # ingestion: the rebuild read every source row through the pipeline
        rows, seconds = ingest_metadata(self.instance, rebuild.run_id)
        fetch = dbapi_fetch(*(states.today / f for f in SOURCE_FILES.values()))
        rate = rows / seconds if seconds else 0.0
        self._figure(
            "ingestion",
            rate / fetch.rows_per_second if fetch.rows_per_second else None,
            f"{rate:,.0f} rows/s ({rows:,} rows in {seconds:.1f}s)",
            f"{fetch.rows_per_second:,.0f} rows/s sqlite3 fetchmany ({fetch.seconds:.1f}s)",
            f"ingest steps incl. Dagster overhead: {rebuild_steps.get('ingest', 0):.1f}s",
        )
        self.rebuild_settings = rebuild_settings

    def _transformation(self, states: SourceStates, quarter: date) -> None:
        settings = self.rebuild_settings
        label, window = self._closed_window(states, quarter)
        started = self._phase(f"dbt build of {label}")
        timing = run_quarter_build(settings, window)
        self._done(f"dbt build of {label}", started, f"startup {timing.startup_seconds:.1f}s")
        started = self._phase(f"hand-written SQL for {label}")
        hand = run_hand_written(
            settings.warehouse_path,
            label,
            quarter,
            window.as_of_date,
            settings.warehouse_memory_limit,
        )
        self._done(f"hand-written SQL for {label}", started, lower_bound=True)
        mismatches = compare_actuals(settings.warehouse_path, label, hand.actuals)
        self.details["transformation"] = {
            "dbt_wall_seconds": round(timing.wall_seconds, 2),
            "dbt_startup_seconds": round(timing.startup_seconds, 2),
            "dbt_elapsed_seconds": round(timing.dbt_elapsed_seconds, 2),
            "dbt_model_seconds": round(timing.model_seconds, 2),
            "dbt_test_seconds": round(timing.test_seconds, 2),
            "dbt_slowest_nodes": timing.slowest,
            "hand_written_seconds": round(hand.seconds, 3),
            "hand_written_nodes": len(hand.actuals),
            "mismatches": mismatches,
        }
        notes = [
            f"dbt start-up/parse {timing.startup_seconds:.1f}s, "
            f"models {timing.model_seconds:.1f}s, tests {timing.test_seconds:.1f}s "
            "(summed over threads)",
            "slowest: " + ", ".join(f"{n} {s}s" for n, s in timing.slowest[:3]),
        ]
        if mismatches:
            notes.append(
                f"HAND-WRITTEN SQL DISAGREES on {len(mismatches)} node(s): {mismatches[:3]}"
            )
        else:
            notes.append(f"hand-written actuals match the pipeline on {len(hand.actuals)} nodes")
        self._figure(
            "transformation",
            timing.wall_seconds / hand.seconds if not mismatches else None,
            f"{timing.wall_seconds:.1f}s dbt build {label}",
            f"{hand.seconds:.2f}s hand-written DuckDB SQL",
            *notes,
            engine="duckdb",
        )

    def _rebuild_only(self, states: SourceStates, current: date) -> None:
        """The full rebuild the engine phase reads its raw tables from, without the other
        pipeline phases or their figures."""
        label = quarter_label(current, self.fiscal)
        settings = _settings(self.base, self.folder / "rebuild", states.today)
        started = self._phase(f"full rebuild of {label}")
        _require(self._run(settings, current, as_of=states.last_day), "rebuild")
        self._done(f"full rebuild of {label}", started, lower_bound=True)
        self.rebuild_settings = settings

    def _engines(self, states: SourceStates, quarter: date) -> None:
        """Each engine's raw landing, start-up and `dbt build` of the quarter from empty.

        Not the pipeline's memory (its phases are left out of the peak memory figure). A
        failed engine is noted and its figure left empty: the scale's other figures stand.
        """
        label, window = self._closed_window(states, quarter)
        lines = self.plan.lines_per_quarter
        measured: dict[str, dict[str, object]] = {}
        for engine in self.plan.engines:
            build = EngineBuild(engine, self.rebuild_settings, window, self.folder / engine)
            steps = (
                ("raw landing" if engine == "spark" else "raw copy (set-up)", build.land),
                ("parse (warm-up, untimed)", build.parse),
                ("start-up", build.measure_startup),
                (f"dbt build of {label}", build.build),
            )
            peaks: dict[str, float] = {}
            loads: dict[str, tuple[float, float]] = {}  # 1-minute load before and after
            try:
                for step, run in steps:
                    name = f"{engine}: {step}"
                    load_before = _load()
                    started = self._phase(name)
                    run()
                    self._done(name, started, lower_bound=True)
                    peaks[step] = self.details["phase_peak_rss_bytes"][name]
                    loads[step] = (load_before, _load())
            except Exception as error:  # a failed engine must not void the scale's run
                failure = f"{engine} engine phase failed at {step}: {error}"
                self.progress(f"[{self.plan.label}] {failure[:300]}")
                self.run_notes.append(failure[:1000])
                self._figure(
                    "engine build", None, f"failed at {step}", "—", failure[:300], engine=engine
                )
                continue
            timing = build.timing
            per_line = per_line_microseconds(
                timing.build_wall_seconds, timing.startup_seconds, lines
            )
            measured[engine] = {
                **asdict(timing),
                "order_lines_per_quarter": lines,
                "per_line_microseconds": round(per_line, 3),
                "peak_rss_bytes": peaks,
                "load_before_after": loads,
            }
            if engine == "spark":
                self._figure(
                    "raw landing",
                    timing.landing_seconds,
                    f"{timing.landed_rows:,} rows of {timing.landed_tables} raw tables "
                    "written as Parquet",
                    "—",
                    engine=engine,
                )
            self._figure(
                "engine build",
                per_line,
                f"{timing.build_wall_seconds:.1f}s wall: dbt build --full-refresh of the "
                f"project for {label} from empty ({timing.nodes} nodes)",
                f"{timing.startup_seconds:.1f}s start-up (dbt run-operation register_raw_tables)",
                f"per line = ({timing.build_wall_seconds:.1f}s - {timing.startup_seconds:.1f}s)"
                f" / {lines:,} order lines/quarter",
                f"after start-up dbt reports {timing.dbt_elapsed_seconds:.1f}s: seeds "
                f"{timing.seed_seconds:.1f}s, models {timing.model_seconds:.1f}s, tests "
                f"{timing.test_seconds:.1f}s (summed over threads)",
                "slowest: " + ", ".join(f"{n} {s}s" for n, s in timing.slowest[:3]),
                f"peak RSS {peaks[f'dbt build of {label}'] / 1024**2:,.0f} MiB (start-up "
                f"{peaks['start-up'] / 1024**2:,.0f} MiB)",
                "1-minute load average before/after the start-up {:.1f}/{:.1f}, the build "
                "{:.1f}/{:.1f}".format(*loads["start-up"], *loads[f"dbt build of {label}"]),
                engine=engine,
            )
        self.details["engines"] = measured

    def _backfill(self, settings: Settings, last_closed: date) -> None:
        count = self.plan.backfill_quarters
        first = add_months(last_closed, -3 * (count - 1))
        span = f"{quarter_label(first, self.fiscal)}..{quarter_label(last_closed, self.fiscal)}"
        started = self._phase(f"backfill {span} in one run")
        backfill = _require(self._run(settings, first, last_closed), "backfill")
        backfill_wall = self._done(f"backfill {span} in one run", started)
        self.details["backfill_steps"] = _steps_summary(self.instance, backfill.run_id)
        started = self._phase(f"{count} one-quarter runs {span}")
        singles = []
        quarter = first
        while quarter <= last_closed:
            outcome = _require(self._run(settings, quarter), f"run {quarter}")
            singles.append(outcome.seconds)
            self.details.setdefault("one_quarter_run_steps", []).append(
                _steps_summary(self.instance, outcome.run_id)
            )
            quarter = add_months(quarter, 3)
        singles_wall = self._done(f"{count} one-quarter runs {span}", started)
        self._figure(
            "backfill",
            backfill_wall / singles_wall,
            f"{backfill_wall:.1f}s for {count} quarters in one run",
            f"{singles_wall:.1f}s for {count} one-quarter runs "
            f"({min(singles):.0f}-{max(singles):.0f}s each)",
        )


FIGURE_ORDER = (
    "ingestion",
    "transformation",
    "engine build",
    "raw landing",
    "contracts",
    "nightly incremental",
    "backfill",
    "peak memory",
    "end-to-end",
)
