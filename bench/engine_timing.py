"""The engine phase: the same quarter's `dbt build` on DuckDB and on Spark, from empty.

For each engine, in a folder of its own under the scale's work folder:
1. land the rebuild warehouse's `raw.*` tables where the engine reads them: for Spark as
   Parquet (`orchestration.transform.spark_raw.land_raw_tables`, timed: the landing figure);
   for DuckDB into a new warehouse file holding nothing else (set-up, not a figure);
2. `dbt parse` once, untimed, keeping its partial-parse file: every later invocation starts
   from it, as the pipeline's do from its data dir's saved parse;
3. start-up: `dbt run-operation register_raw_tables` on the engine's target, timed wall
   clock. It is the project's on-run-start hook run on its own: interpreter and dbt
   imports, the (partial) parse, the connection and, on Spark, the JVM, the Spark session,
   a new Derby metastore and every raw table declared over its Parquet folder. On DuckDB
   the macro does nothing, so the figure is dbt's own start-up. On Spark everything it
   made but the Parquet (metastore, warehouse folder) is removed after it, so the build
   also starts from a new metastore;
4. the build: `dbt build --full-refresh` of the whole project (seeds, staging,
   intermediate, marts, reporting and their data tests, no unit tests) for the quarter,
   with the transformation figure's window and variables, timed wall clock.

Both builds do the same work from the same raw rows: every table is created anew.
"""

from __future__ import annotations

import importlib
import shutil
import time
from dataclasses import dataclass, field, replace
from pathlib import Path

import duckdb
from dbt_timing import node_seconds

from orchestration.partitions import QuarterWindow
from orchestration.plan.dbt_build import copy_plan
from orchestration.settings import Settings
from orchestration.transform.assets import PIPELINE_BUILD
from orchestration.transform.dbt_invocation import DbtInvocation, DbtResult
from orchestration.transform.project import dbt_env
from orchestration.transform.spark_raw import RAW_SCHEMA, land_raw_tables, raw_dir_of

ENGINES = ("duckdb", "spark")
BUILD_ARGUMENTS = (*PIPELINE_BUILD, "--full-refresh")
STARTUP_ARGUMENTS = ("run-operation", "register_raw_tables")
PARSE_ARGUMENTS = ("parse", "--quiet")


def spark_missing() -> str | None:
    """Why Spark cannot be benchmarked here, or None when pyspark, dbt-spark and java are."""
    for module, what in (
        ("pyspark", "pyspark is not installed (the `spark` extra)"),
        ("dbt.adapters.spark", "dbt-spark is not installed (the `spark` extra)"),
    ):
        try:
            importlib.import_module(module)
        except ImportError:
            return what
    if shutil.which("java") is None:
        return "no `java` on PATH (Spark needs Java 17)"
    return None


def default_engines() -> tuple[list[str], str | None]:
    """Both engines when Spark can run here; else DuckDB alone and the reason."""
    missing = spark_missing()
    if missing:
        return ["duckdb"], f"Spark left out of the engine phase: {missing}"
    return list(ENGINES), None


@dataclass
class EngineTiming:
    engine: str
    startup_seconds: float = 0.0  # `dbt run-operation register_raw_tables`, wall clock
    build_wall_seconds: float = 0.0  # `dbt build --full-refresh`, wall clock
    dbt_elapsed_seconds: float = 0.0  # what dbt reports for the build after its start-up
    model_seconds: float = 0.0  # summed over threads
    test_seconds: float = 0.0
    seed_seconds: float = 0.0
    nodes: int = 0
    landing_seconds: float = 0.0  # raw tables landed where the engine reads them
    landed_rows: int = 0
    landed_tables: int = 0
    parse_seconds: float = 0.0  # the untimed warm-up parse, for the record
    slowest: list[tuple[str, float]] = field(default_factory=list)


def copy_raw_warehouse(source: Path, target: Path) -> dict[str, int]:
    """A new DuckDB warehouse holding only the source's `raw.*` tables (rows per table)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    target.unlink(missing_ok=True)
    copied: dict[str, int] = {}
    with duckdb.connect(str(target)) as connection:
        escaped = str(source).replace("'", "''")
        connection.execute(f"attach '{escaped}' as source (read_only)")
        connection.execute(f"create schema {RAW_SCHEMA}")
        names = [
            name
            for (name,) in connection.execute(
                "select table_name from information_schema.tables where table_catalog = 'source'"
                " and table_schema = ? and table_type = 'BASE TABLE' order by table_name",
                [RAW_SCHEMA],
            ).fetchall()
        ]
        for name in names:
            connection.execute(
                f'create table {RAW_SCHEMA}."{name}" as select * from source.{RAW_SCHEMA}."{name}"'
            )
            (rows,) = connection.execute(f'select count(*) from {RAW_SCHEMA}."{name}"').fetchone()
            copied[name] = rows
        connection.execute("detach source")
    return copied


class EngineBuild:
    """One engine's landing, start-up probe and build under `folder`."""

    def __init__(self, engine: str, settings: Settings, window: QuarterWindow, folder: Path):
        if engine not in ENGINES:
            raise ValueError(f"unknown engine {engine!r} (known: {', '.join(ENGINES)})")
        self.engine = engine
        self.settings = settings
        self.window = window
        self.folder = folder
        self.parse_state = folder / "parse_state" / "partial_parse.msgpack"
        self.timing = EngineTiming(engine)
        self.warehouse = folder / "warehouse.duckdb"
        self.spark_dir = folder / "spark"

    def _invocation(self, arguments: tuple[str, ...], step: str) -> DbtInvocation:
        """`dbt <arguments>` in a work folder of its own, from the saved parse. The plan
        copy, warehouse and Spark dir are the same paths for every step: a changed project
        or profile variable would make dbt parse the whole project again."""
        # dbt writes each seed's compiled SQL over a plan file given by an absolute path
        plan = self.folder / "plan"
        shutil.rmtree(plan, ignore_errors=True)
        copy_plan(self.settings.plan_dir, plan)
        # the pipeline's own environment for this engine (Spark: its dir and log settings)
        engine_settings = replace(self.settings, engine=self.engine, spark_dir=self.spark_dir)
        env = dbt_env(engine_settings, self.window) | {"SALES_TARGETS_PLAN_DIR": str(plan)}
        if self.engine == "duckdb":
            env["WAREHOUSE_PATH"] = str(self.warehouse)
        work = self.folder / step
        shutil.rmtree(work, ignore_errors=True)
        work.mkdir(parents=True)
        return DbtInvocation(
            arguments,
            self.settings.dbt_project_dir,
            env,
            work_dir=work,
            parse_state=self.parse_state,
        )

    def _timed(self, invocation: DbtInvocation, what: str) -> tuple[DbtResult, float]:
        started = time.perf_counter()
        result = invocation.run()
        seconds = time.perf_counter() - started
        result.raise_for_failure(f"{what} on {self.engine}")
        return result, seconds

    def land(self) -> None:
        started = time.perf_counter()
        if self.engine == "spark":
            landed = land_raw_tables(self.settings.warehouse_path, self.spark_dir)
        else:
            landed = copy_raw_warehouse(self.settings.warehouse_path, self.warehouse)
        self.timing.landing_seconds = time.perf_counter() - started
        self.timing.landed_rows = sum(landed.values())
        self.timing.landed_tables = len(landed)

    def parse(self) -> float:
        """The warm-up parse (not a figure): the start-up and the build start from it."""
        _, seconds = self._timed(self._invocation(PARSE_ARGUMENTS, "parse"), "dbt parse")
        self.timing.parse_seconds = seconds
        return seconds

    def measure_startup(self) -> float:
        _, seconds = self._timed(self._invocation(STARTUP_ARGUMENTS, "startup"), "start-up")
        self.timing.startup_seconds = seconds
        self._empty_spark_dir()
        return seconds

    def _empty_spark_dir(self) -> None:
        """Everything the start-up made goes (metastore, warehouse, Derby's log): the build
        starts from the landed Parquet alone, as the start-up did."""
        if self.engine != "spark":
            return
        raw = raw_dir_of(self.spark_dir)
        for path in self.spark_dir.iterdir():
            if path != raw:
                shutil.rmtree(path) if path.is_dir() else path.unlink()

    def build(self) -> float:
        result, wall = self._timed(
            self._invocation(BUILD_ARGUMENTS, "build"),
            f"dbt build of {self.window.quarter_start}..{self.window.quarter_end}",
        )
        run_results = result.run_results or {}
        nodes = run_results.get("results", [])

        def seconds_of(prefix: str) -> float:
            return node_seconds(nodes, prefix)

        timing = self.timing
        timing.build_wall_seconds = wall
        timing.dbt_elapsed_seconds = float(run_results.get("elapsed_time") or 0.0)
        timing.model_seconds = seconds_of("model.")
        timing.test_seconds = seconds_of("test.")
        timing.seed_seconds = seconds_of("seed.")
        timing.nodes = len(nodes)
        slowest = sorted(
            ((n["unique_id"].split(".")[-1], n.get("execution_time") or 0.0) for n in nodes),
            key=lambda item: -item[1],
        )[:5]
        timing.slowest = [(name, round(seconds, 2)) for name, seconds in slowest]
        return wall
