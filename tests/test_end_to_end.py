"""The whole spine through Dagster on a small generated world: ingest, dbt, publish."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import dagster as dg
import duckdb
import pytest
import sqlalchemy as sa

from orchestration.ingest.source_tables import SOURCE_TABLES
from orchestration.runner import run_quarters
from orchestration.settings import sqlite_url
from tests.conftest import settings_in

pytestmark = pytest.mark.slow


def _staging_counts(warehouse) -> dict[str, int]:
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        return {
            name: connection.execute(f"select count(*) from staging.{name}").fetchone()[0]
            for (name,) in connection.execute(
                "select table_name from information_schema.tables where table_schema = 'staging' "
                "order by 1"
            ).fetchall()
        }


def _distinct_clean_keys(settings, source) -> int:
    """Keys in the source that ingestion should accept: count straight from SQLite."""
    url = settings.crm_database_url if source.system == "crm" else settings.orders_database_url
    keys = ", ".join(source.key_columns)
    engine = sa.create_engine(url)
    with engine.connect() as connection:
        count = connection.execute(
            sa.text(f"select count(*) from (select distinct {keys} from {source.name})")
        ).scalar_one()
    engine.dispose()
    return count


def test_two_quarters_through_dagster_and_a_rerun_changes_nothing(tmp_path, demo_sources):
    settings = settings_in(tmp_path)
    settings = replace(
        settings,
        crm_database_url=sqlite_url(demo_sources / "crm.sqlite"),
        orders_database_url=sqlite_url(demo_sources / "orders.sqlite"),
    )
    instance = dg.DagsterInstance.ephemeral()

    first = run_quarters(settings, date(2026, 4, 1), date(2026, 7, 1), instance=instance)
    assert first.success, first.error
    assert "published/reporting_store" in first.materialized
    assert "crm/customers" in first.materialized

    counts = _staging_counts(settings.warehouse_path)
    for source in SOURCE_TABLES:
        model = f"stg_{source.system}__{source.name}"
        assert counts[model] > 0, model
        # staging holds one row per key; dirty keys are quarantined: never more than the source
        assert counts[model] <= _distinct_clean_keys(settings, source), model

    with duckdb.connect(str(settings.warehouse_path), read_only=True) as connection:
        batches = connection.execute(
            "select source_table, rows_read, rows_loaded, rows_quarantined from raw.load_batches"
        ).fetchall()
        quarantined_rules = {
            rule
            for (rule,) in connection.execute("select distinct rule from raw.quarantine").fetchall()
        }
    assert {row[0] for row in batches} == {source.name for source in SOURCE_TABLES}
    for table, read, loaded, quarantined in batches:
        assert read == loaded + quarantined, table
    assert quarantined_rules  # the generator always plants dirty rows

    second = run_quarters(settings, date(2026, 7, 1), instance=instance)
    assert second.success, second.error
    # each dbt invocation's own target folder is removed once it succeeded
    target = settings.dbt_project_dir / "target"
    for run in (first, second):
        left = [p.name for p in target.glob(f"*-{run.run_id[:7]}-*")]
        assert left == [], left
    assert _staging_counts(settings.warehouse_path) == counts
    with duckdb.connect(str(settings.reporting_path), read_only=True) as store:
        tables = {name for (name,) in store.execute("show tables").fetchall()}
    assert "rpt_publication" in tables
