"""dbt as two Dagster assets definitions.

- plan and staging (unpartitioned): the plan contract runs first, then `dbt build` of the
  seeds (the plan) and the staging views, which hold no quarter logic;
- quarter models (quarter-partitioned): intermediate, marts and reporting, built for the
  run's quarter window. A backfill of several quarters is one `dbt build` over the range
  (single-run backfill policy); quarter-keyed marts delete+insert only those quarters.
"""

import shutil
from collections.abc import Iterator
from datetime import date, datetime
from zoneinfo import ZoneInfo

import dagster as dg
from dagster_dbt import DbtCliResource, dbt_assets

from orchestration.partitions import (
    QuarterWindow,
    add_months,
    parse_date,
    quarter_label,
    window_for_partitions,
)
from orchestration.settings import Settings
from orchestration.transform.project import dbt_environment, dbt_project
from orchestration.transform.translator import SalesTargetsTranslator
from orchestration.warehouse import warehouse_lock

AS_OF_TAG = "sales_targets/as_of_date"
# "true" on a run that restates closed quarters with the status changes recorded since
RESTATE_TAG = "sales_targets/restate"
WAREHOUSE_TAG = "sales_targets/warehouse"
PLAN_AND_STAGING_SELECT = "resource_type:seed staging"
QUARTER_MODELS_SELECT = "intermediate marts reporting"
# Unit tests check SQL logic on fixed inputs: no night's data can change their outcome, so
# they run in CI (tests/dbt/test_unit_tests.py), not in every build, as dbt advises.
PIPELINE_BUILD = ["build", "--exclude-resource-type", "unit_test"]


def today_in(timezone: str) -> date:
    return datetime.now(ZoneInfo(timezone)).date()


def run_window(context: dg.AssetExecutionContext, settings: Settings) -> QuarterWindow:
    time_window = context.partition_time_window
    override = context.run.tags.get(AS_OF_TAG)
    return window_for_partitions(
        time_window.start,
        time_window.end,
        today=today_in(settings.timezone),
        as_of_override=parse_date(override, f"run tag {AS_OF_TAG}") if override else None,
        fiscal_year_start_month=settings.fiscal_year_start_month,
        restate=context.run.tags.get(RESTATE_TAG) == "true",
    )


def run_quarter_labels(tags: dict[str, str], settings: Settings) -> list[str]:
    """The quarters a run covers, from its partition tags (empty for an unpartitioned run)."""
    first = tags.get("dagster/partition") or tags.get("dagster/asset_partition_range_start")
    last = tags.get("dagster/partition") or tags.get("dagster/asset_partition_range_end")
    if not first or not last:
        return []
    fiscal = settings.fiscal_year_start_month
    labels, quarter = [], date.fromisoformat(first)
    while quarter <= date.fromisoformat(last):
        labels.append(quarter_label(quarter, fiscal))
        quarter = add_months(quarter, 3)
    return labels


def validate_plan(settings: Settings, required_quarters: list[str]) -> None:
    """Stop before anything is built when the plan breaks a rule (file, row and rule named).

    Groups and reps are checked against the CRM as last staged, when it has been.
    """
    from orchestration.plan import validate_plan_or_raise
    from orchestration.plan.org import load_org

    org, _ = load_org(settings.warehouse_path)
    validate_plan_or_raise(
        settings.plan_dir,
        org=org,
        required_quarters=required_quarters,
        fiscal_year_start_month=settings.fiscal_year_start_month,
    )


def stream_and_tidy(invocation) -> Iterator:
    """Stream a dbt invocation's events, then remove its target folder.

    dagster-dbt gives every invocation a folder of its own (manifest, run results, logs:
    several MB); a nightly pipeline would pile them up in dbt_project/target. A failed
    invocation raises before the removal, so its folder stays for inspection.
    """
    yield from invocation.stream()
    shutil.rmtree(invocation.target_path, ignore_errors=True)


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
        pool="warehouse",
    )
    def plan_and_staging(
        context: dg.AssetExecutionContext,
        dbt: DbtCliResource,
        settings: dg.ResourceParam[Settings],
    ):
        run_settings = settings
        validate_plan(run_settings, run_quarter_labels(context.run.tags, run_settings))
        with warehouse_lock(run_settings), dbt_environment(run_settings):
            yield from stream_and_tidy(dbt.cli(PIPELINE_BUILD, context=context))

    @dbt_assets(
        manifest=project.manifest_path,
        select=QUARTER_MODELS_SELECT,
        name="quarter_models",
        partitions_def=partitions_def,
        dagster_dbt_translator=translator,
        project=project,
        pool="warehouse",
    )
    def quarter_models(
        context: dg.AssetExecutionContext,
        dbt: DbtCliResource,
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
        with warehouse_lock(run_settings), dbt_environment(run_settings, window):
            yield from stream_and_tidy(dbt.cli(PIPELINE_BUILD, context=context))

    return [plan_and_staging, quarter_models]
