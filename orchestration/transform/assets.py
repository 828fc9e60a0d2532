"""dbt as two Dagster assets definitions.

- plan and staging (unpartitioned): the plan contract runs first, then `dbt build` of the
  seeds (the plan), the staging tables and the order history, which hold no quarter logic
  (on DuckDB they are incremental and their tests read only rows not tested yet:
  `staging_state`; the seeds load only when the plan changed: `plan_state`);
- quarter models (quarter-partitioned): intermediate, marts and reporting, built for the
  run's quarter window. A backfill of several quarters is one `dbt build` over the range
  (single-run backfill policy); quarter-keyed marts delete+insert only those quarters.
"""

import shutil
from collections.abc import Iterator
from pathlib import Path

import dagster as dg
from dagster_dbt import DbtCliInvocation, dbt_assets
from dagster_dbt.errors import DagsterDbtCliRuntimeError

from orchestration.ingest.source_tables import SOURCE_TABLES
from orchestration.partitions import QuarterWindow
from orchestration.plan.check import validate_plan_for_run
from orchestration.quality.gx_checkpoint import import_great_expectations_in_background
from orchestration.run_window import (  # noqa: F401 - re-exported for older importers
    AS_OF_TAG,
    RESTATE_TAG,
    RunWindow,
    today_in,
)
from orchestration.settings import Settings
from orchestration.transform.dagster_cli import ExplicitEnvDbtCliResource
from orchestration.transform.dbt_invocation import failures_in, save_parse_state
from orchestration.transform.plan_state import PlanLoad
from orchestration.transform.project import (
    dbt_env,
    dbt_project,
    parse_state_path,
    snapshot_plan,
)
from orchestration.transform.spark_raw import land_raw_tables, unlanded_raw_tables
from orchestration.transform.spark_tables import show_spark_tables
from orchestration.transform.staging_state import StagingBuild
from orchestration.transform.translator import PLAN_GROUP, SalesTargetsTranslator
from orchestration.warehouse import connect_warehouse, warehouse_lock

WAREHOUSE_TAG = "sales_targets/warehouse"
# The order history (models/intermediate/history) holds no quarter logic: it is built with
# staging, incrementally like it, instead of whole in every quarter build.
HISTORY_SELECT = "path:models/intermediate/history"
PLAN_AND_STAGING_SELECT = f"resource_type:seed staging {HISTORY_SELECT}"
QUARTER_MODELS_SELECT = "intermediate marts reporting"
QUARTER_MODELS_EXCLUDE = HISTORY_SELECT
# Unit tests check SQL logic on fixed inputs: no night's data can change their outcome, so
# they run in CI (tests/dbt/test_unit_tests.py), not in every build, as dbt advises.
PIPELINE_BUILD = ["build", "--exclude-resource-type", "unit_test"]


def run_window(context: dg.AssetExecutionContext, settings: Settings) -> QuarterWindow:
    """The dbt window of the run's quarters (`RunWindow.from_tags`)."""
    return RunWindow.from_tags(context.run.tags).dbt_window(
        today_in(settings.timezone), settings.fiscal_year_start_month
    )


def run_quarter_labels(tags: dict[str, str], settings: Settings) -> list[str]:
    """The quarters a run covers, from its partition tags (empty for an unpartitioned run)."""
    return RunWindow.from_tags(tags).quarter_labels(settings.fiscal_year_start_month)


def stream_and_tidy(invocation: DbtCliInvocation, parse_state: Path | None = None) -> Iterator:
    """Stream a dbt invocation's events, keep its partial-parse file at `parse_state`
    (`parse_state_path`), then remove its target folder.

    dagster-dbt gives every invocation a folder of its own (manifest, run results, logs:
    several MB); a nightly pipeline would pile them up in dbt_project/target. A failed
    invocation keeps its folder for inspection and fails the step naming the failing
    nodes and dbt's message.
    """
    try:
        yield from invocation.stream()
    except DagsterDbtCliRuntimeError as exc:
        results = invocation.target_path / "run_results.json"
        failures = (
            failures_in(invocation.get_artifact("run_results.json")) if results.exists() else []
        )
        if not failures:
            raise
        raise dg.Failure(
            description="dbt failed: "
            + "; ".join(failure.describe() for failure in failures)
            + f" (run results: {results})",
        ) from exc
    if parse_state is not None:
        save_parse_state(invocation.target_path, parse_state)
    shutil.rmtree(invocation.target_path, ignore_errors=True)


def build_dbt(
    context: dg.AssetExecutionContext,
    dbt: ExplicitEnvDbtCliResource,
    settings: Settings,
    window: QuarterWindow | None = None,
) -> Iterator:
    """The pipeline's `dbt build` of the op's selection, holding the warehouse lock.

    On Spark, raw tables no ingest has landed yet are landed first, and the tables Spark
    built are shown in the warehouse afterwards (`spark_tables`), where checks and
    publishing read them.
    """
    with warehouse_lock(settings):
        plan_snapshot = snapshot_plan(settings)
        if settings.engine == "spark":
            land_unlanded_raw_tables(context, settings)
        staging, plan = None, None
        if builds_staging(settings, window):
            staging = StagingBuild.begin(settings)
            plan = PlanLoad.begin(settings, plan_snapshot, seed_tables(context))
            context.log.info(f"{staging.describe()}; {plan.describe()}")
        parse_state = parse_state_path(settings)
        invocation = dbt.cli_with_env(
            [
                *PIPELINE_BUILD,
                *(staging.arguments if staging else []),
                *(plan.arguments if plan else []),
            ],  # fmt: skip
            env={**dbt_env(settings, window), **(staging.env if staging else {})},
            context=context,
            parsed=parse_state,
        )
        reported: set[dg.AssetCheckKey] = set()
        for event in stream_and_tidy(invocation, parse_state):
            if isinstance(event, (dg.AssetCheckResult, dg.AssetCheckEvaluation)):
                reported.add(dg.AssetCheckKey(event.asset_key, event.check_name))
            yield event
        if plan is not None and plan.loaded:
            yield from unchanged_seed_outputs(context, plan, reported)
        if staging is not None and plan is not None and builds_everything_selected(context):
            staging.record_pass(settings)
            plan.record_pass(settings)
        if settings.engine == "spark":
            with connect_warehouse(settings) as connection:
                shown = show_spark_tables(connection, settings.spark_dir)
            context.log.info(
                f"{len(shown)} Spark tables shown in the warehouse {settings.warehouse_path}"
            )


def builds_staging(settings: Settings, window: QuarterWindow | None) -> bool:
    """The plan-and-staging build (no quarter window) on DuckDB, whose staging tables are
    incremental (`staging_state`); on Spark they are rebuilt and tested whole."""
    return window is None and settings.engine == "duckdb"


def seed_tables(context: dg.AssetExecutionContext) -> list[str]:
    """The op's seed tables (schema.table): its assets in the plan group."""
    groups = context.assets_def.group_names_by_key
    return sorted(".".join(key.path) for key, group in groups.items() if group == PLAN_GROUP)


def unchanged_seed_outputs(
    context: dg.AssetExecutionContext, plan: PlanLoad, reported: set[dg.AssetCheckKey]
) -> Iterator:
    """An output per selected seed dbt left out, saying the plan was not reloaded: the
    quarter models wait on these outputs, and the tables hold the plan that passed. Each
    of the seeds' tests dbt did not run (`reported`: those it did; a test between a seed
    and a staging model runs with staging) reports that pass: the same test on the same
    plan (the fingerprint covers both). Without a result, Dagster warns once per blocking
    test every night that the quarter models proceed ungated."""
    seeds = {
        key
        for key in context.selected_asset_keys
        if context.assets_def.group_names_by_key.get(key) == PLAN_GROUP
    }
    for key in sorted(seeds, key=lambda key: key.to_user_string()):
        yield dg.Output(
            None,
            output_name=context.assets_def.get_output_name_for_asset_key(key),
            metadata={
                "plan": "unchanged since its last load; not reloaded",
                "plan_fingerprint": plan.fingerprint[:16],
            },
        )
    passed_at = plan.passed_at.isoformat(sep=" ", timespec="seconds") if plan.passed_at else ""
    for check in sorted(context.selected_asset_check_keys, key=lambda k: k.to_user_string()):
        if check.asset_key in seeds and check not in reported:
            yield dg.AssetCheckResult(
                asset_key=check.asset_key,
                check_name=check.name,
                passed=True,
                metadata={
                    "result": f"passed at the plan's last load ({passed_at}); the plan and "
                    "its tests are unchanged, so the test was not run again",
                    "plan_fingerprint": plan.fingerprint[:16],
                },
            )


def builds_everything_selected(context: dg.AssetExecutionContext) -> bool:
    """Every asset and check of the op ran: only then did every staging test pass."""
    return not context.is_subset and set(context.selected_asset_check_keys) == set(
        context.assets_def.check_keys
    )


def land_unlanded_raw_tables(context: dg.AssetExecutionContext, settings: Settings) -> None:
    """Land the raw tables Spark has no Parquet of (a warehouse loaded on DuckDB first)."""
    sources = [source.name for source in SOURCE_TABLES]
    missing = unlanded_raw_tables(settings.warehouse_path, settings.spark_dir, sources)
    if missing:
        landed = land_raw_tables(settings.warehouse_path, settings.spark_dir, missing)
        context.log.info(
            f"landed {len(landed)} raw tables for Spark: "
            + ", ".join(f"{table} ({rows:,} rows)" for table, rows in landed.items())
        )


def build_dbt_assets(
    settings: Settings, partitions_def: dg.PartitionsDefinition
) -> list[dg.AssetsDefinition]:
    project = dbt_project(settings.dbt_project_dir)
    translator = SalesTargetsTranslator()

    @dbt_assets(
        manifest=project.manifest_path,
        select=PLAN_AND_STAGING_SELECT,
        name="plan_and_staging",
        dagster_dbt_translator=translator,
        project=project,
    )
    def plan_and_staging(
        context: dg.AssetExecutionContext,
        dbt: ExplicitEnvDbtCliResource,
        settings: dg.ResourceParam[Settings],
    ):
        run_settings = settings
        validate_plan_for_run(run_settings, run_quarter_labels(context.run.tags, run_settings))
        yield from build_dbt(context, dbt, run_settings)

    @dbt_assets(
        manifest=project.manifest_path,
        select=QUARTER_MODELS_SELECT,
        exclude=QUARTER_MODELS_EXCLUDE,
        name="quarter_models",
        partitions_def=partitions_def,
        dagster_dbt_translator=translator,
        project=project,
    )
    def quarter_models(
        context: dg.AssetExecutionContext,
        dbt: ExplicitEnvDbtCliResource,
        settings: dg.ResourceParam[Settings],
    ):
        run_settings = settings
        window = run_window(context, run_settings)
        restated = (
            f", restating with status changes through {window.restated_through}"
            if window.restated_through
            else ""
        )
        context.log.info(
            f"dbt window {window.quarter_start}..{window.quarter_end} as of {window.as_of_date}"
            + restated
        )
        import_great_expectations_in_background()  # publishing validates with it next
        yield from build_dbt(context, dbt, run_settings, window)

    return [plan_and_staging, quarter_models]
