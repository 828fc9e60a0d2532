"""The benchmark's own helpers (run: .venv/bin/pytest bench/test_bench_helpers.py).

Not part of `make test` (testpaths = tests): the benchmark is a tool, not the product.
"""

from __future__ import annotations

import argparse
import sqlite3
import subprocess
import sys
import time
from datetime import date

import bench_figures as bf
import contract_clock
import lower_bounds
import pytest
import rss_sampler
import source_states
import sqlalchemy as sa
from run import failed_scale_note, parse_count

from orchestration.ingest import source_tables as st


def test_parse_count_reads_suffixes_and_refuses_tiny_or_garbled_scales():
    assert parse_count("100k") == 100_000
    assert parse_count("1.5M") == 1_500_000
    assert parse_count("2500") == 2_500
    with pytest.raises(argparse.ArgumentTypeError):
        parse_count("lots")
    with pytest.raises(argparse.ArgumentTypeError):
        parse_count("100")


def test_judge_applies_goals_and_judges_largest_scale_only_goals_once():
    figures = [
        bf.Figure("ingestion", "100k lines/q", 0.4, "", ""),
        bf.Figure("backfill", "100k lines/q", 0.3, "", ""),
        bf.Figure("transformation", "100k lines/q", 9.0, "", ""),
        bf.Figure("transformation", "1M lines/q", 2.5, "", ""),
        bf.Figure("end-to-end", "1M lines/q", 300.0, "", ""),
        bf.Figure("contracts", "1M lines/q", None, "", ""),
        bf.Figure("nightly incremental", "300k lines/q", 0.3, "", ""),
        bf.Figure("nightly incremental", "1M lines/q", 0.21, "", ""),
        bf.Figure("peak memory", "300k lines/q", 4.0 * bf.GIB, "", ""),
        bf.Figure("peak memory", "1M lines/q", 2.9 * bf.GIB, "", ""),
    ]
    bf.judge(figures, largest_scale="1M lines/q")
    assert [f.verdict for f in figures] == [
        *("MISSED", "met", "info", "met", "no goal", "n/a"),
        *("info", "MISSED", "info", "met"),
    ]
    assert "| 100k lines/q | ingestion |  | 0.4x |" in bf.markdown_table(figures)


def test_tree_rss_counts_a_child_process():
    before = rss_sampler.tree_rss_bytes()
    child = subprocess.Popen(
        [sys.executable, "-c", "import time; b = bytearray(300 * 2**20); time.sleep(30)"]
    )
    try:
        deadline = time.monotonic() + 20
        grown = 0
        while time.monotonic() < deadline:
            grown = rss_sampler.tree_rss_bytes() - before
            if grown > 250 * 2**20:
                break
            time.sleep(0.2)
        assert child.pid in rss_sampler.process_tree(rss_sampler.os.getpid())
        assert grown > 250 * 2**20
    finally:
        child.kill()
        child.wait()


def _sources(folder):
    """Tiny CRM and order databases with the real source schema."""
    folder.mkdir(parents=True, exist_ok=True)
    for metadata, name in ((st.crm_metadata, "crm"), (st.orders_metadata, "orders")):
        engine = sa.create_engine(f"sqlite:///{folder / f'{name}.sqlite'}")
        metadata.create_all(engine)
        engine.dispose()
    with sqlite3.connect(folder / "orders.sqlite") as connection:
        connection.executemany(
            "insert into orders (order_id, customer_id, rep_id, order_date, status, currency,"
            " updated_at) values (?, 'c-1', 'rep-001', ?, 'completed', 'CNY', ?)",
            [
                (1, "2026-11-20", "2026-11-20 10:00:00"),
                (2, "2026-11-24", "2026-11-24 23:59:59"),
                (3, "2026-11-25", "2026-11-25 09:00:00"),
                (4, "2026-11-25", "not a date"),
            ],
        )
    return folder


def test_dbapi_fetch_counts_every_row_of_every_table(tmp_path):
    folder = _sources(tmp_path / "today")
    rate = lower_bounds.dbapi_fetch(folder / "crm.sqlite", folder / "orders.sqlite")
    assert rate.rows == 4
    assert rate.rows_per_second > 0


def test_yesterday_drops_rows_updated_on_the_last_day_and_unreadable_stamps(tmp_path):
    today = _sources(tmp_path / "today")
    removed = source_states._copy_without_day(today, tmp_path / "yesterday", date(2026, 11, 25))
    with sqlite3.connect(tmp_path / "yesterday" / "orders.sqlite") as connection:
        kept = [row[0] for row in connection.execute("select order_id from orders order by 1")]
    assert kept == ["1", "2"]
    assert removed == 2
    with sqlite3.connect(today / "orders.sqlite") as connection:
        assert connection.execute("select count(*) from orders").fetchone()[0] == 4


def test_contract_clock_times_the_wrapped_function_and_restores_it():
    from orchestration.ingest import chunk

    original = chunk.validate_rows
    with contract_clock.ContractClock() as clock:
        assert chunk.validate_rows is not original
        with pytest.raises(Exception):  # noqa: B017 - any failure still counts its time
            chunk.validate_rows(None, None, [], None)
    assert chunk.validate_rows is original
    assert clock.missing == []
    assert clock.seconds["raw contracts"] > 0
    assert set(clock.seconds) == {"raw contracts"}


def test_hand_written_sql_names_the_quarter_and_dates():
    sql = lower_bounds.hand_written_sql("2026Q3", date(2026, 7, 1), date(2026, 9, 30))
    assert "date '2026-07-01'" in sql
    assert "timestamp '2026-10-01'" in sql  # statuses at the end of the as-of date
    assert "quarter = '2026Q3'" in sql


def test_a_scale_is_projected_from_a_fixed_cost_and_a_cost_per_line():
    from run import projected_seconds

    # one scale: proportional
    assert projected_seconds([(100_000, 300.0)], 300_000) == 900.0
    # two: 300 s at 30k and 540 s at 100k -> 240 s per 70k lines on top of 540 s
    assert round(projected_seconds([(30_000, 300.0), (100_000, 540.0)], 300_000)) == 1226
    # a faster larger scale (noise) never projects below the last one
    assert projected_seconds([(30_000, 300.0), (100_000, 280.0)], 300_000) == 280.0


def test_a_failed_scale_is_noted_with_its_first_error_line_and_kept_folder(tmp_path):
    error = RuntimeError("end-to-end failed: dbt failed: children_sum_to_parent\nStack: ...")

    kept = failed_scale_note("3M lines/q", error, tmp_path / "lines-3000000", kept=True)
    removed = failed_scale_note("3M lines/q", error, tmp_path / "lines-3000000", kept=False)

    assert kept == (
        "3M lines/q FAILED, no figures: RuntimeError: end-to-end failed: dbt failed: "
        f"children_sum_to_parent; its sources, warehouse and pipeline.log are in "
        f"{tmp_path / 'lines-3000000'}"
    )
    assert removed == (
        "3M lines/q FAILED, no figures: RuntimeError: end-to-end failed: dbt failed: "
        "children_sum_to_parent"
    )


def test_the_default_run_judges_the_goals_at_100k_1m_and_3m_and_the_engines_smaller():
    from run import build_parser, default_scales, parse_scales

    args = build_parser().parse_args([])
    assert args.phases == ["pipeline"]
    assert parse_scales(default_scales(args.quick, args.phases)) == [
        100_000,
        1_000_000,
        3_000_000,
    ]
    assert args.budget_minutes == 0  # no scale of the goals is skipped on a projection
    assert parse_scales(default_scales(False, ["engine"])) == [30_000, 100_000]
    assert parse_scales(default_scales(True, ["pipeline"])) == [3_000]
