"""The one Definitions object of the sales-targets code location.

Loading reads the dbt manifest (run `sales-targets prepare` or `make` first); nothing is
computed or written at import time.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import dagster as dg

from orchestration.alerts.assets import build_alerts_asset
from orchestration.ingest.assets import build_ingest_assets
from orchestration.partitions import quarters_partitions_def
from orchestration.publish.assets import build_dbt_docs_asset, build_publish_asset
from orchestration.quality.contracts import build_contract_checks
from orchestration.report.assets import build_report_asset
from orchestration.schedules import build_nightly_schedule
from orchestration.settings import Settings
from orchestration.transform.assets import WAREHOUSE_TAG, build_dbt_assets
from orchestration.transform.dagster_cli import ExplicitEnvDbtCliResource
from orchestration.transform.project import dbt_project, ensure_manifest

QUARTER_JOB = "quarter_job"


def build_definitions(settings: Settings) -> dg.Definitions:
    project = dbt_project(settings.dbt_project_dir)
    if os.environ.get("DAGSTER_IS_DEV_CLI"):
        # `dagster dev` reloads code after edits: re-parse a stale project with the venv's
        # own dbt (dagster-dbt's prepare_if_dev runs the `dbt` on PATH, often none)
        ensure_manifest(settings)
    if not project.manifest_path.exists():
        raise FileNotFoundError(
            f"dbt manifest {project.manifest_path} is missing: run `sales-targets prepare` "
            "(or any make target) to parse the dbt project first"
        )
    quarters = quarters_partitions_def(
        settings.first_quarter_start, settings.fiscal_year_start_month
    )
    ingest_assets = build_ingest_assets()
    dbt_assets = build_dbt_assets(settings, quarters)
    reporting_keys = [
        key
        for assets_def in dbt_assets
        for key in assets_def.keys
        if assets_def.group_names_by_key.get(key) == "reporting"
    ]
    publish_asset = build_publish_asset(reporting_keys)
    quarter_job = dg.define_asset_job(
        QUARTER_JOB,
        selection=dg.AssetSelection.all(),
        partitions_def=quarters,
        executor_def=dg.in_process_executor,  # one DuckDB writer: steps run one after another
        tags={WAREHOUSE_TAG: "writer"},
        description="Ingest sources, build the quarter's targets and actuals, check and publish.",
    )
    return dg.Definitions(
        assets=[
            *ingest_assets,
            *dbt_assets,
            publish_asset,
            build_dbt_docs_asset(),
            build_report_asset(),
            build_alerts_asset(),
        ],
        asset_checks=build_contract_checks(dbt_assets),
        jobs=[quarter_job],
        schedules=[build_nightly_schedule(quarter_job, settings)],
        resources={
            "settings": settings,
            "dbt": ExplicitEnvDbtCliResource(
                # the dbt installed beside this interpreter, whether or not .venv/bin is on PATH
                dbt_executable=str(Path(sys.executable).with_name("dbt")),
                project_dir=str(settings.dbt_project_dir),
                profiles_dir=str(settings.dbt_project_dir),
                # dbt-spark's session would start Spark in this process: a subprocess
                in_process=settings.dbt_in_process and settings.engine == "duckdb",
            ),
        },
    )


defs = build_definitions(Settings.from_env())
