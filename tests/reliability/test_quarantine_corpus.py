"""Every row-level kind of bad input: quarantined with its rule, absent from raw, and the
published numbers equal those of the clean run (tests/reliability/bad_inputs.py).

All kinds are planted in one copy of the demo sources and go through one whole pipeline
run (the `dirty_run` background run); the clean run reads the unplanted sources.
"""

from __future__ import annotations

from collections import Counter

import duckdb
import pytest

from orchestration.ingest.source_tables import SOURCE_TABLES
from tests.reliability.bad_inputs import (
    CATALOGUE,
    SQL_LOOKING_NAME,
    STRUCTURAL_KINDS,
    kind_id,
    rule_matches,
)
from tests.reliability.pipeline import table_hashes

pytestmark = pytest.mark.slow


def test_the_catalogue_covers_30_kinds_and_every_source_table():
    kinds = {bad.kind for bad in CATALOGUE} | {kind.kind for kind in STRUCTURAL_KINDS}
    tables = {bad.table for bad in CATALOGUE} | {kind.table for kind in STRUCTURAL_KINDS}
    print(f"{len(kinds)} kinds, {len(CATALOGUE)} planted rows, {len(STRUCTURAL_KINDS)} structural")
    assert len(kinds) >= 30
    assert tables == {source.name for source in SOURCE_TABLES}
    assert len({kind_id(bad) for bad in CATALOGUE}) == len(CATALOGUE)


@pytest.mark.parametrize("bad", CATALOGUE, ids=kind_id)
def test_each_bad_row_is_quarantined_with_its_rule_and_kept_out_of_raw(
    bad, dirty_run, dirty_sources
):
    planted = dirty_sources.planted[kind_id(bad)]
    with duckdb.connect(str(dirty_run.warehouse_path), read_only=True) as warehouse:
        found = warehouse.execute(
            "select rule, column_name from raw.quarantine "
            "where source_table = ? and instr(record_key, ?) > 0",
            [bad.table, planted.record_key],
        ).fetchall()
        if planted.raw_absent:
            (leaked,) = warehouse.execute(
                f"select count(*) from raw.{bad.table} where {planted.raw_absent}"
            ).fetchone()
            assert leaked == 0, f"{kind_id(bad)} reached raw.{bad.table}"
        if planted.raw_present:
            (kept,) = warehouse.execute(
                f"select count(*) from raw.{bad.table} where {planted.raw_present}"
            ).fetchone()
            assert kept == 1, f"{kind_id(bad)}: expected exactly one row in raw.{bad.table}"
    if bad.rule is None:
        assert found == [], f"{kind_id(bad)} is valid data but was quarantined: {found}"
    else:
        rules = [rule for rule, _ in found]
        assert any(rule_matches(bad.rule, rule) for rule in rules), (bad.rule, found)


def _batch_totals(warehouse_path) -> dict[str, tuple[int, int, int]]:
    with duckdb.connect(str(warehouse_path), read_only=True) as warehouse:
        rows = warehouse.execute(
            "select source_table, sum(rows_read), sum(rows_loaded), sum(rows_quarantined), "
            "count(*) filter (where status <> 'completed') from raw.load_batches group by 1"
        ).fetchall()
    assert all(unfinished == 0 for *_, unfinished in rows)
    return {table: (read, loaded, quarantined) for table, read, loaded, quarantined, _ in rows}


def test_every_row_read_is_loaded_or_quarantined_and_none_is_lost(clean_run, dirty_run):
    clean, dirty = _batch_totals(clean_run.warehouse_path), _batch_totals(dirty_run.warehouse_path)
    planted = Counter(bad.table for bad in CATALOGUE if bad.rule is not None)
    accepted = Counter(bad.table for bad in CATALOGUE if bad.rule is None)
    planted["orders"] += 1  # the quarantined USD parent of `child_of_quarantined_parent`
    for table, (read, loaded, quarantined) in dirty.items():
        assert read == loaded + quarantined, table
        clean_read, clean_loaded, clean_quarantined = clean[table]
        assert read - clean_read == planted[table] + accepted[table], table
        assert quarantined - clean_quarantined == planted[table], table
        assert loaded - clean_loaded == accepted[table], table  # rows lost: 0


def test_published_numbers_are_unaffected_by_every_planted_row(clean_run, dirty_run):
    clean, dirty = table_hashes(clean_run.reporting_path), table_hashes(dirty_run.reporting_path)
    assert clean.keys() == dirty.keys()
    assert sorted(t for t in clean if clean[t] != dirty[t]) == []


def test_sql_looking_values_were_data_and_the_warehouse_is_whole(dirty_run):
    with duckdb.connect(str(dirty_run.warehouse_path), read_only=True) as warehouse:
        (orders,) = warehouse.execute("select count(*) from raw.orders").fetchone()
        (names,) = warehouse.execute(
            "select count(*) from raw.customers where customer_name = ?",
            [SQL_LOOKING_NAME],
        ).fetchone()
    assert orders > 1000
    assert names == 1
