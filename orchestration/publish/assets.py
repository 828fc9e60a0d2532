"""Dagster assets of the publish step: the reporting store and the dbt docs page.

`published/reporting_store` runs after the reporting models. Dagster skips it when a
blocking check upstream failed; when it runs, it still refuses to publish if any check of
this run (or the latest result of an upstream check not run now) failed, if the new store
holds personal data, or if it fails its great-expectations suites. Refusing raises
`dg.Failure`, and the previously published store stays served.

No `from __future__ import annotations` here: Dagster inspects the `context` annotation.
"""

from collections.abc import Sequence
from datetime import date

import dagster as dg

from orchestration.publish.gate import CheckOutcome, PublishBlockedError
from orchestration.publish.gated import publish_checked_store
from orchestration.quality.dbt_docs import generate_dbt_docs
from orchestration.run_window import RunWindow, today_in
from orchestration.settings import Settings

REPORTING_STORE_KEY = dg.AssetKey(["published", "reporting_store"])
DBT_DOCS_KEY = dg.AssetKey(["published", "dbt_docs"])
PUBLISH_GROUP = "publish"


def run_as_of_date(tags: dict[str, str], today: date) -> date | None:
    """The as-of date of the run's quarter window (what the dbt models were built as of)."""
    return RunWindow.from_tags(tags).as_of_date(today)


def _outcome(evaluation: dg.AssetCheckEvaluation, run_id: str | None) -> CheckOutcome:
    return CheckOutcome(
        asset=evaluation.asset_key.to_user_string(),
        check=evaluation.check_name,
        passed=evaluation.passed,
        blocks_on_failure=evaluation.severity == dg.AssetCheckSeverity.ERROR,
        run_id=run_id,
    )


def upstream_check_outcomes(context: dg.AssetExecutionContext) -> list[CheckOutcome]:
    """Every check evaluated in this run, plus the latest result of each check on an
    ancestor asset that did not run in it (a publish-only run is gated too).

    The cross-run look-up is partition-agnostic: it takes the newest evaluation of each
    check whatever quarter it was for.
    """
    instance = context.instance
    run_id = context.run.run_id
    outcomes: dict[tuple[str, str], CheckOutcome] = {}
    for entry in instance.all_logs(run_id, of_type=dg.DagsterEventType.ASSET_CHECK_EVALUATION):
        evaluation = entry.dagster_event.event_specific_data if entry.dagster_event else None
        if isinstance(evaluation, dg.AssetCheckEvaluation):
            outcome = _outcome(evaluation, run_id)
            outcomes[(outcome.asset, outcome.check)] = outcome

    # The job's asset graph is always there (a repository is not, under execute_in_process).
    asset_graph = context.job_def.asset_layer.asset_graph
    ancestors = asset_graph.get_ancestor_asset_keys(context.asset_key)
    check_keys: Sequence[dg.AssetCheckKey] = sorted(
        (
            key
            for key in asset_graph.get_check_keys_for_assets(ancestors)
            if (key.asset_key.to_user_string(), key.name) not in outcomes
        ),
        key=lambda key: (key.asset_key.to_user_string(), key.name),
    )
    latest = instance.event_log_storage.get_latest_asset_check_execution_by_key(check_keys)
    for record in latest.values():
        entry = record.event
        evaluation = (
            entry.dagster_event.event_specific_data if entry and entry.dagster_event else None
        )
        if isinstance(evaluation, dg.AssetCheckEvaluation):
            outcome = _outcome(evaluation, record.run_id)
            outcomes[(outcome.asset, outcome.check)] = outcome
    return sorted(outcomes.values(), key=lambda outcome: outcome.name)


def build_publish_asset(reporting_keys: Sequence[dg.AssetKey]) -> dg.AssetsDefinition:
    @dg.asset(
        key=REPORTING_STORE_KEY,
        deps=list(reporting_keys),
        group_name=PUBLISH_GROUP,
        kinds={"duckdb", "parquet"},
        required_resource_keys={"settings"},
        description=(
            "reporting.duckdb, Parquet and the optional server copy: the rpt_* tables BI "
            "tools read, validated with great-expectations and swapped in atomically."
        ),
    )
    def reporting_store(context: dg.AssetExecutionContext) -> dg.MaterializeResult:
        settings: Settings = context.resources.settings
        checks = upstream_check_outcomes(context)
        as_of = run_as_of_date(dict(context.run.tags), today_in(settings.timezone))
        try:
            checked = publish_checked_store(
                settings, {"run_id": context.run_id, "as_of_date": as_of}, checks=checks
            )
        except PublishBlockedError as exc:
            raise dg.Failure(
                description=str(exc),
                metadata={
                    "served_store_unchanged": dg.MetadataValue.path(str(settings.reporting_path)),
                    "failed_checks": [c.name for c in checks if not c.passed],
                },
            ) from exc
        publication, validation = checked.publication, checked.validation
        context.log.info(
            f"published {len(publication.row_counts)} tables to {publication.path} "
            f"(publication {publication.publication_number}); {validation.describe()}"
        )
        metadata: dict[str, object] = {
            "path": dg.MetadataValue.path(str(publication.path)),
            "parquet_dir": dg.MetadataValue.path(str(publication.parquet_dir)),
            "gx_data_docs": dg.MetadataValue.path(str(validation.docs_index)),
            "publication_number": publication.publication_number,
            "quarters": ", ".join(publication.quarters),
            "row_counts": dg.MetadataValue.json(publication.row_counts),
            "checks_passed": len(publication.checks_passed),
            "gx_expectations_evaluated": validation.expectations_evaluated,
            "gx_seconds": round(validation.seconds, 2),
        }
        if publication.server is not None:
            metadata["server_target"] = publication.server.url
        return dg.MaterializeResult(metadata=metadata)

    return reporting_store


def build_dbt_docs_asset() -> dg.AssetsDefinition:
    @dg.asset(
        key=DBT_DOCS_KEY,
        deps=[REPORTING_STORE_KEY],
        group_name=PUBLISH_GROUP,
        kinds={"dbt", "html"},
        required_resource_keys={"settings"},
        description="dbt docs as one static page (docs/dbt/index.html), openable from disk.",
    )
    def dbt_docs(context: dg.AssetExecutionContext) -> dg.MaterializeResult:
        settings: Settings = context.resources.settings
        docs = generate_dbt_docs(settings)
        if not docs.regenerated:
            context.log.info("dbt docs: project, plan and columns unchanged; page kept")
        return dg.MaterializeResult(
            metadata={
                "index": dg.MetadataValue.path(str(docs.index)),
                "regenerated": docs.regenerated,
            }
        )

    return dbt_docs
