"""The same sources and plan give byte-identical published tables in separate data dirs.

The clean background run and the crash chain's final re-run read the same sources and
plan in two data dirs (the second with another ingest chunk size, after three kills):
every published table, and every Parquet file, must be identical. rpt_publication is
excluded: its ids, timestamps and batch ids differ by design.
"""

from __future__ import annotations

import pytest

from tests.reliability.pipeline import parquet_hashes, published_tables, table_hashes

pytestmark = pytest.mark.slow


def test_published_tables_are_identical_across_data_dirs(clean_run, crash_chain):
    first = table_hashes(clean_run.reporting_path)
    second = table_hashes(crash_chain.settings.reporting_path)
    assert len(first) >= 5, first
    differing = sorted(t for t in first if first[t] != second.get(t))
    assert differing == [] and first.keys() == second.keys()


def test_parquet_files_are_byte_identical_across_data_dirs(clean_run, crash_chain):
    first = parquet_hashes(clean_run.parquet_dir)
    assert first, "no Parquet files published"
    assert parquet_hashes(crash_chain.settings.parquet_dir) == first


def test_no_run_timestamp_leaks_into_a_data_table(clean_run):
    import duckdb

    with duckdb.connect(str(clean_run.reporting_path), read_only=True) as store:
        for table in published_tables(clean_run.reporting_path):
            if table == "rpt_publication":
                continue
            kinds = store.execute(
                "select column_name, data_type from information_schema.columns "
                "where table_name = ? and data_type like 'TIMESTAMP%'",
                [table],
            ).fetchall()
            assert kinds == [], f"{table} carries run-time timestamps: {kinds}"
