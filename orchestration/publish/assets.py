"""The publish asset: runs after the reporting models, swaps in the new store."""

from __future__ import annotations

from collections.abc import Sequence

import dagster as dg

from orchestration.publish.store import publish_reporting_store
from orchestration.settings import Settings


def build_publish_asset(reporting_keys: Sequence[dg.AssetKey]) -> dg.AssetsDefinition:
    @dg.asset(
        key=dg.AssetKey(["published", "reporting_store"]),
        deps=list(reporting_keys),
        group_name="publish",
        kinds={"duckdb", "parquet"},
        required_resource_keys={"settings"},
        description="reporting.duckdb and Parquet: the rpt_* tables BI tools read, swapped in atomically.",
    )
    def reporting_store(context: dg.AssetExecutionContext) -> dg.MaterializeResult:
        settings: Settings = context.resources.settings
        publication = publish_reporting_store(settings, {"run_id": context.run_id})
        context.log.info(f"published {len(publication.row_counts)} tables to {publication.path}")
        return dg.MaterializeResult(
            metadata={
                "path": dg.MetadataValue.path(str(publication.path)),
                "parquet_dir": dg.MetadataValue.path(str(publication.parquet_dir)),
                "quarters": ", ".join(publication.quarters),
                "row_counts": dg.MetadataValue.json(publication.row_counts),
            }
        )

    return reporting_store
