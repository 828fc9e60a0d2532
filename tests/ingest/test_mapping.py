"""Source mappings: the files are checked before any source is read, and ingestion reads
each contract table through its mapped select (renamed columns, another case, a table
left out)."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from pathlib import Path

import duckdb
import pytest

from orchestration.ingest.load import ingest_all
from orchestration.ingest.mapping import (
    CONTRACT_COLUMNS,
    OPTIONAL_TABLES,
    MappingError,
    load_mapping,
)
from orchestration.settings import Settings

DEMO = Settings().source_mapping_dir


def _copy_demo_mapping(folder: Path) -> Path:
    folder.mkdir(parents=True)
    for file in DEMO.glob("*.yml"):
        (folder / file.name).write_text(file.read_text())
    return folder


def _edit(file: Path, old: str, new: str) -> None:
    text = file.read_text()
    assert old in text, f"{old!r} not in {file}"
    file.write_text(text.replace(old, new, 1))


def test_the_demo_mapping_reads_every_contract_column_from_its_own_table():
    mapping = load_mapping(DEMO)
    assert list(mapping.tables) == list(CONTRACT_COLUMNS)
    assert mapping.unmapped == ()
    assert mapping.url_variables == ("CRM_DATABASE_URL", "ORDERS_DATABASE_URL")
    for name, table in mapping.tables.items():
        words = table.select.replace(",", " ").split()
        assert words[-2:] == ["from", name]
        assert words[1:-2] == list(CONTRACT_COLUMNS[name]), name
        assert table.cursor == "updated_at"
    assert mapping.table("leads").file == DEMO / "crm.yml"
    assert mapping.table("orders").system == "orders"


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("  regions:\n", "  regoins:\n", "crm.yml: table 'regoins' is not a contract table "
         "(did you mean 'regions'?)"),
        ("url_variable: CRM_DATABASE_URL", "url_variable: crm database",
         "crm.yml: url_variable must name the environment variable"),
        ("url_variable:", "url_variabel: X\nurl_variable:",
         "crm.yml: unknown key 'url_variabel' (did you mean 'url_variable'?)"),
        ("  regions:\n    select: |", "  regions:\n    cursor: modified\n    select: |",
         "crm.yml: table regions: cursor 'modified' is not 'updated_at'"),
        ("  regions:\n    select: |", "  regions:\n    selct: |",
         "crm.yml: table regions: unknown key 'selct' (did you mean 'select'?)"),
        ("tables:", "tables: [", "crm.yml: not valid YAML"),
    ],
)  # fmt: skip
def test_a_broken_mapping_file_is_named_with_its_table_and_key(tmp_path, old, new, message):
    folder = _copy_demo_mapping(tmp_path / "mapping")
    _edit(folder / "crm.yml", old, new)
    with pytest.raises(MappingError) as failure:
        load_mapping(folder)
    assert message in str(failure.value)
    assert "\n" not in str(failure.value)


def test_a_required_table_left_out_or_mapped_twice_is_named(tmp_path):
    folder = _copy_demo_mapping(tmp_path / "left_out")
    crm = folder / "crm.yml"
    text = crm.read_text()
    reps = text[text.index("  reps:\n") : text.index("  rep_assignments:\n")]
    crm.write_text(text.replace(reps, ""))
    with pytest.raises(MappingError, match=r"no mapping file maps the required table\(s\) reps"):
        load_mapping(folder)

    folder = _copy_demo_mapping(tmp_path / "twice")
    (folder / "more.yml").write_text(f"url_variable: MORE_DATABASE_URL\ntables:\n{reps}")
    with pytest.raises(MappingError, match=r"more.yml: table reps is mapped again \(already by"):
        load_mapping(folder)


def test_optional_tables_may_be_left_out_and_are_listed(tmp_path):
    folder = _copy_demo_mapping(tmp_path / "mapping")
    orders = folder / "orders.yml"
    text = orders.read_text()
    orders.write_text(text[: text.index("  inventory_snapshots:\n")])
    mapping = load_mapping(folder)
    assert mapping.unmapped == ("inventory_snapshots",)
    assert "inventory_snapshots" in OPTIONAL_TABLES
    assert "rep_assignments" not in OPTIONAL_TABLES  # a rep's group must come from somewhere


def test_ingestion_reads_renamed_columns_in_another_case_and_skips_a_table_left_out(
    settings, world, write_sources, tmp_path
):
    write_sources(world)
    with sqlite3.connect(settings.sources_dir / "crm.sqlite") as crm:
        crm.execute("alter table regions rename column region_name to name")
        crm.execute("alter table reps rename to salespeople")
    folder = _copy_demo_mapping(tmp_path / "mapping")
    _edit(folder / "crm.yml", "select region_id, region_name, tier, updated_at\n      from regions",
          "select region_id as REGION_ID, name as region_name, tier, updated_at,\n"
          "        'not in the contract' as note\n      from regions")  # fmt: skip
    _edit(folder / "crm.yml", "      from reps\n", "      from salespeople\n")
    orders = folder / "orders.yml"
    text = orders.read_text()
    orders.write_text(text[: text.index("  inventory_snapshots:\n")])
    configured = replace(settings, source_mapping_dir=folder)

    results = {result.source_table: result for result in ingest_all(configured)}

    assert results["inventory_snapshots"].mapped is False
    assert results["inventory_snapshots"].batch_id == ""
    assert all(r.mapped and r.reconciled for n, r in results.items() if n != "inventory_snapshots")
    with duckdb.connect(str(settings.warehouse_path), read_only=True) as warehouse:
        regions = warehouse.execute(
            "select region_id, region_name from raw.regions order by 1"
        ).fetchall()
        (reps,) = warehouse.execute("select count(*) from raw.reps").fetchone()
        (snapshots,) = warehouse.execute("select count(*) from raw.inventory_snapshots").fetchone()
        batches = warehouse.execute(
            "select count(*) from raw.load_batches where source_table = 'inventory_snapshots'"
        ).fetchone()
    assert regions == [("tier1", "Tier-1 cities"), ("tier2", "Tier-2 cities")]
    assert reps == len(world["reps"])
    assert snapshots == 0 and batches == (0,)


def test_a_select_missing_a_contract_column_stops_the_table_naming_file_and_column(
    settings, world, write_sources, tmp_path
):
    write_sources(world)
    folder = _copy_demo_mapping(tmp_path / "mapping")
    _edit(folder / "crm.yml", "select region_id, region_name, tier, updated_at",
          "select region_id, region_name as regionname, updated_at")  # fmt: skip
    with pytest.raises(MappingError) as failure:
        ingest_all(replace(settings, source_mapping_dir=folder))
    assert str(failure.value) == (
        f"{folder / 'crm.yml'}: table regions: the select returns no column region_name "
        "(it returns 'regionname', not a contract column); also missing: tier"
    )


def test_a_url_variable_that_is_not_set_is_named(settings, world, write_sources, tmp_path):
    write_sources(world)
    folder = _copy_demo_mapping(tmp_path / "mapping")
    _edit(folder / "orders.yml", "ORDERS_DATABASE_URL", "SHOP_DATABASE_URL")
    configured = replace(settings, source_mapping_dir=folder, database_urls=())
    with pytest.raises(MappingError, match="variable SHOP_DATABASE_URL is not set"):
        ingest_all(configured)
    url = configured.orders_database_url
    shop = replace(configured, database_urls=(("SHOP_DATABASE_URL", url),))
    assert {r.source_table for r in ingest_all(shop) if r.rows_read} >= {"orders", "products"}
