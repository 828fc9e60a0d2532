"""The Dagster ingest assets: graph shape and a real materialization."""

from __future__ import annotations

import dagster as dg
import pytest

from orchestration.ingest.assets import build_ingest_assets
from orchestration.ingest.foreign_keys import load_order

# Snapshot of the ingest graph: asset key -> the keys it depends on. A change here is a
# change to what dbt sources hang under and to the load order, worth a look in review.
EXPECTED_GRAPH = {
    "crm/regions": set(),
    "crm/reps": set(),
    "crm/sales_groups": {"crm/regions", "crm/reps"},
    "crm/rep_assignments": {"crm/reps", "crm/sales_groups"},
    "crm/customers": {"crm/regions", "crm/reps"},
    "crm/campaigns": set(),
    "crm/campaign_spend": {"crm/campaigns"},
    "crm/leads": {"crm/campaigns", "crm/reps", "crm/customers"},
    "orders/products": set(),
    "orders/orders": {"crm/customers", "crm/reps"},
    "orders/order_lines": {"orders/orders", "orders/products"},
    "orders/inventory_snapshots": {"orders/products"},
}


def test_one_asset_per_source_table_with_parents_as_deps() -> None:
    assets = build_ingest_assets()
    graph = {}
    for asset in assets:
        spec = next(iter(asset.specs))
        assert spec.group_name == "ingest"
        assert spec.kinds == {"sqlalchemy", "duckdb"}
        assert spec.description and "raw.quarantine" in spec.description
        assert asset.partitions_def is None
        assert "settings" in asset.required_resource_keys
        graph[spec.key.to_user_string()] = {d.asset_key.to_user_string() for d in spec.deps}
    assert graph == EXPECTED_GRAPH
    names = [t.name for t in load_order()]
    for key, parents in graph.items():
        assert all(names.index(p.split("/")[1]) < names.index(key.split("/")[1]) for p in parents)


@pytest.mark.slow
def test_materializing_assets_reports_the_batch(settings, world, write_sources, query) -> None:
    world["reps"].append({**world["reps"][0], "rep_id": "rep-003", "role": "boss"})
    write_sources(world)
    wanted = {"crm/regions", "crm/reps", "crm/sales_groups"}
    assets = [a for a in build_ingest_assets() if a.key.to_user_string() in wanted]
    result = dg.materialize(assets, resources={"settings": settings})
    assert result.success
    metadata = {
        event.asset_key.to_user_string(): {
            k: v.value for k, v in event.materialization.metadata.items()
        }
        for event in result.get_asset_materialization_events()
    }
    assert set(metadata) == wanted
    reps = metadata["crm/reps"]
    batch_id, loaded = query(
        "select batch_id, rows_loaded from raw.load_batches where source_table = 'reps'"
    )[0]
    assert {k: reps[k] for k in ("rows_read", "rows_loaded", "rows_new", "rows_quarantined")} == {
        "rows_read": 3,
        "rows_loaded": 2,
        "rows_new": 2,
        "rows_quarantined": 1,
    }
    assert reps["reconciled"] is True
    assert reps["watermark"] == "2025-03-01 09:00:00"
    assert reps["batch_id"] == batch_id and loaded == 2
    assert reps["source"] == settings.crm_database_url
    assert reps["seconds"] > 0 and reps["rows_per_second"] > 0
    assert metadata["crm/sales_groups"]["rows_new"] == 1
    assert query("select rule, bad_value from raw.quarantine") == [
        ("isin(['sales', 'top_sales', 'newcomer', 'customer_success', 'channel_manager'])", "boss")
    ]
