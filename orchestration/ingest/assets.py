"""Dagster assets: one per source table, keyed `[system, table]` like the dbt sources.

Each asset loads its table incrementally into `raw.<table>` (see `load.py`) and reports
the batch's counts as materialization metadata. Assets depend on the tables their
foreign keys point at, so parents load first and orphans can be recognised. When the
models build on Spark, each asset also lands its raw table as Parquet for Spark.
The `Settings` object comes from the resource key "settings".
"""

import dagster as dg

from orchestration.ingest.foreign_keys import FOREIGN_KEYS, parents_of
from orchestration.ingest.load import IngestProgress, IngestResult, ingest_table
from orchestration.ingest.source_tables import SOURCE_TABLES, SourceTable
from orchestration.settings import Settings
from orchestration.transform.spark_raw import land_raw_tables, raw_dir_of
from orchestration.warehouse import connect_warehouse, warehouse_lock

GROUP_NAME = "ingest"


def asset_key(source: SourceTable) -> dg.AssetKey:
    return dg.AssetKey([source.system, source.name])


def materialize_metadata(result: IngestResult) -> dict[str, dg.MetadataValue]:
    """The batch outcome as Dagster metadata (no passwords: the URL is masked)."""
    return {
        "rows_read": dg.MetadataValue.int(result.rows_read),
        "rows_loaded": dg.MetadataValue.int(result.rows_loaded),
        "rows_new": dg.MetadataValue.int(result.rows_new),
        "rows_quarantined": dg.MetadataValue.int(result.rows_quarantined),
        "reconciled": dg.MetadataValue.bool(result.reconciled),
        "watermark": dg.MetadataValue.text(
            result.watermark.isoformat(sep=" ") if result.watermark else "none"
        ),
        "batch_id": dg.MetadataValue.text(result.batch_id),
        "source": dg.MetadataValue.text(result.source),
        "seconds": dg.MetadataValue.float(round(result.seconds, 3)),
        "mapped": dg.MetadataValue.bool(result.mapped),
        "rows_per_second": dg.MetadataValue.float(round(result.rows_per_second, 1)),
    }


def _description(source: SourceTable) -> str:
    keys = ", ".join(source.key_columns)
    rejected = "rows failing the raw contract (models/raw.py), duplicate versions"
    foreign_keys = FOREIGN_KEYS[source.name]
    if foreign_keys:
        links = ", ".join(f"{fk.column} -> {fk.parent_table}" for fk in foreign_keys)
        rejected += f" and orphans ({links})"
    return (
        f"`{source.name}` of the {source.system} contract, read through the source mapping "
        f"(SALES_TARGETS_SOURCE_MAPPING) and loaded incrementally on updated_at "
        f"into raw.{source.name}, an append-only version log keyed by {keys} + updated_at. "
        f"Quarantined in raw.quarantine: {rejected}."
    )


def build_ingest_asset(source: SourceTable) -> dg.AssetsDefinition:
    """The asset loading one source table."""

    @dg.asset(
        key=asset_key(source),
        group_name=GROUP_NAME,
        kinds={"sqlalchemy", "duckdb"},
        deps=[asset_key(parent) for parent in parents_of(source)],
        description=_description(source),
        required_resource_keys={"settings"},
    )
    def _ingest(context: dg.AssetExecutionContext) -> dg.MaterializeResult:
        settings = context.resources.settings

        def log_progress(progress: IngestProgress) -> None:
            context.log.info(progress.message())

        with connect_warehouse(settings) as connection:
            result = ingest_table(connection, settings, source, log_progress)
        if settings.engine == "spark":
            land_for_spark(context, settings, source.name)
        if not result.mapped:
            context.log.info(f"{source.name}: {result.source}; raw.{source.name} stays empty")
            return dg.MaterializeResult(metadata=materialize_metadata(result))
        context.log.info(
            f"{source.name}: read {result.rows_read:,}, loaded {result.rows_loaded:,} "
            f"({result.rows_new:,} new), quarantined {result.rows_quarantined:,} "
            f"in {result.seconds:.1f}s; watermark {result.watermark}"
        )
        return dg.MaterializeResult(metadata=materialize_metadata(result))

    return _ingest


def land_for_spark(context: dg.AssetExecutionContext, settings: Settings, table: str) -> None:
    """Write `raw.<table>` as Parquet where the Spark build reads it (spark_raw.py)."""
    with warehouse_lock(settings):
        landed = land_raw_tables(settings.warehouse_path, settings.spark_dir, [table])
    context.log.info(
        f"raw.{table}: {landed.get(table, 0):,} rows landed for Spark in "
        f"{raw_dir_of(settings.spark_dir) / table}"
    )


def build_ingest_assets() -> list[dg.AssetsDefinition]:
    """One ingest asset per entry of SOURCE_TABLES."""
    return [build_ingest_asset(source) for source in SOURCE_TABLES]
