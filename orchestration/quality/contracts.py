"""pandera contracts as BLOCKING Dagster asset checks on the dbt assets.

One check, `pandera_contract`, per contracted asset (staging tables, marts, published
`rpt_*` tables; dbt asset keys are `[schema, model]`). It runs after the dbt step that
built the asset, reads the warehouse read-only in chunks (`contract_validation`), and on a
broken rule fails with severity ERROR: Dagster then skips everything downstream, so the
publish step never runs and the previous publication stays served.

A check on a quarter-partitioned asset carries the asset's partitions definition (Dagster
requires it) and validates only the run's quarters of a quarter-keyed table. A staging
view's row rules read only the rows loaded since its last pass (`contract_watermarks`);
its key, and every other table, are checked whole.

Wire it in `orchestration/definitions.py`:
`assets=[..., *dbt_assets, ...], asset_checks=build_contract_checks(dbt_assets)`.

No `from __future__ import annotations`: Dagster inspects the `context` annotation.
"""

import warnings
from collections.abc import Mapping, Sequence
from datetime import date

import dagster as dg
import pandera.pandas as pa

from models.marts import MART_CONTRACTS
from models.reporting import REPORTING_CONTRACTS
from models.staging import STAGING_CONTRACTS
from orchestration.partitions import add_months, quarter_labels
from orchestration.quality.contract_validation import (
    DEFAULT_CHUNK_ROWS,
    ContractReport,
    markdown_table,
    validate_warehouse_relation,
)
from orchestration.quality.contract_watermarks import validate_since_last_pass
from orchestration.run_window import RunWindow
from orchestration.settings import Settings

CONTRACT_CHECK_NAME = "pandera_contract"

# Contract of every table or view it applies to, by warehouse relation `schema.table`.
CONTRACTS: dict[str, type[pa.DataFrameModel]] = {
    **STAGING_CONTRACTS,
    **MART_CONTRACTS,
    **REPORTING_CONTRACTS,
}


def relation_of(key: dg.AssetKey) -> str:
    """The warehouse relation of a dbt asset key `[schema, model]`."""
    return ".".join(key.path)


def quarters_between(start: date, end: date, fiscal_year_start_month: int = 1) -> list[str]:
    """Labels of the quarters starting in [start, end), e.g. ['2026Q2', '2026Q3']."""
    return quarter_labels(start, add_months(end, -3), fiscal_year_start_month)


def run_quarters(context: dg.AssetCheckExecutionContext, settings: Settings) -> list[str] | None:
    """The quarters of a partitioned check (one partition or a backfill range); None for a
    check on an unpartitioned asset, which checks the whole table even in a quarter run."""
    if not (context.has_partition_key or context.has_partition_key_range):
        return None
    return RunWindow.from_tags(context.run.tags).quarter_labels(settings.fiscal_year_start_month)


def check_result(report: ContractReport) -> dg.AssetCheckResult:
    """Pass with rows and seconds, or fail (ERROR) naming the rule, count and sample rows."""
    metadata: dict[str, object] = {
        "relation": report.relation,
        "contract": report.contract,
        "rows_checked": report.rows_checked,
        "chunks": report.chunks,
        "seconds": round(report.seconds, 3),
    }
    if report.quarters:
        metadata["quarters"] = ", ".join(report.quarters)
    if report.passed:
        return dg.AssetCheckResult(passed=True, metadata=metadata, description=report.describe())
    worst = max(report.failures, key=lambda failure: failure.failing_rows)
    metadata.update(
        {
            "rule": worst.rule,
            "failing_rows": report.failing_rows,
            "sample": dg.MetadataValue.md(markdown_table(worst.sample)),
            "rules_failed": dg.MetadataValue.json(report.rules_failed),
        }
    )
    for number, failure in enumerate(report.failures[:5], start=1):
        metadata[f"sample_{number}"] = dg.MetadataValue.md(
            f"**{failure.rule}** ({failure.failing_rows:,} rows)\n\n"
            + markdown_table(failure.sample)
        )
    return dg.AssetCheckResult(
        passed=False,
        severity=dg.AssetCheckSeverity.ERROR,
        metadata=metadata,
        description=report.describe(),
    )


def build_contract_check(
    key: dg.AssetKey,
    model: type[pa.DataFrameModel],
    partitions_def: dg.PartitionsDefinition | None = None,
    chunk_rows: int = DEFAULT_CHUNK_ROWS,
) -> dg.AssetChecksDefinition:
    """The blocking `pandera_contract` check of one asset."""
    relation = relation_of(key)
    with warnings.catch_warnings():
        # Dagster 1.13 calls partitions_def on a check "preview", yet a check on a
        # partitioned asset must have it: keep the warning out of every definitions load.
        warnings.simplefilter("ignore", dg.PreviewWarning)
        return _contract_check(key, relation, model, partitions_def, chunk_rows)


def _contract_check(
    key: dg.AssetKey,
    relation: str,
    model: type[pa.DataFrameModel],
    partitions_def: dg.PartitionsDefinition | None,
    chunk_rows: int,
) -> dg.AssetChecksDefinition:
    @dg.asset_check(
        asset=key,
        name=CONTRACT_CHECK_NAME,
        blocking=True,
        required_resource_keys={"settings"},
        partitions_def=partitions_def,
        description=f"{relation} meets the pandera contract {model.__module__}.{model.__name__}",
    )
    def pandera_contract(context: dg.AssetCheckExecutionContext) -> dg.AssetCheckResult:
        settings: Settings = context.resources.settings
        quarters = run_quarters(context, settings)
        if relation in STAGING_CONTRACTS:  # every key's latest version ever loaded
            report = validate_since_last_pass(settings, relation, model, quarters, chunk_rows)
        else:
            report = validate_warehouse_relation(
                settings.warehouse_path,
                relation,
                model,
                quarters,
                chunk_rows,
                memory_limit=settings.warehouse_memory_limit,
            )
        context.log.info(f"{report.describe()} in {report.seconds:.2f}s")
        return check_result(report)

    return pandera_contract


def build_contract_checks(
    assets_defs: Sequence[dg.AssetsDefinition],
    contracts: Mapping[str, type[pa.DataFrameModel]] = CONTRACTS,
    chunk_rows: int = DEFAULT_CHUNK_ROWS,
) -> list[dg.AssetChecksDefinition]:
    """One blocking contract check per asset of `assets_defs` that has a contract.

    A contract whose table is not an asset (not built yet) makes no check.
    """
    checks = []
    for assets_def in assets_defs:
        for key in sorted(assets_def.keys, key=lambda asset_key: asset_key.path):
            model = contracts.get(relation_of(key))
            if model is not None:
                checks.append(
                    build_contract_check(key, model, assets_def.partitions_def, chunk_rows)
                )
    return checks
