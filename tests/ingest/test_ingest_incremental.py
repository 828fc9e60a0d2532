"""Incremental loads, idempotent re-runs, crashes mid-batch and the watermark."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from datetime import datetime, timedelta

import pytest

from orchestration.ingest.batches import start_batch
from orchestration.ingest.load import IngestProgress
from orchestration.ingest.source_tables import SOURCE_TABLES
from orchestration.warehouse import connect_warehouse

T0 = datetime(2025, 3, 1, 9, 0)


def test_incremental_reads_from_watermark_minus_look_back(
    settings, world, write_sources, source_sql, ingest, query
) -> None:
    order = world["orders"][0]
    world["orders"][1]["updated_at"] = "2025-01-10 08:00:00"  # long before the look-back
    world["orders"].append({**order, "order_id": 4, "updated_at": "2025-02-28 12:00:00"})
    write_sources(world)
    first = ingest()["orders"]
    assert (first.since, first.watermark, first.rows_new) == (None, T0, 3)

    source_sql(
        "orders",
        "update orders set status = 'refunded', updated_at = '2025-03-05 11:00:00' "
        "where order_id = 1",
    )
    write_sources(
        {
            "orders": [
                {**order, "order_id": 3, "updated_at": "2025-03-05 10:00:00"},  # new
                # committed late with an older stamp: inside the look-back, so still found
                {**order, "order_id": 5, "updated_at": "2025-02-28 15:00:00"},
            ]
        }
    )
    second = ingest()["orders"]
    assert second.since == T0 - timedelta(hours=settings.ingest_lookback_hours)
    # order 1 (new version), 3 and 5 (new), 4 (re-read inside the look-back); not order 2
    assert (second.rows_read, second.rows_loaded, second.rows_new) == (4, 4, 3)
    assert second.watermark == datetime(2025, 3, 5, 11, 0)
    assert query("select status, updated_at from raw.orders where order_id = 1 order by 2") == [
        ("completed", T0),
        ("refunded", datetime(2025, 3, 5, 11, 0)),
    ]
    assert query("select count(*) from raw.orders") == [(6,)]
    assert query(
        "select since, watermark from raw.load_batches where source_table = 'orders' "
        "order by started_at"
    ) == [(None, T0), (second.since, second.watermark)]
    assert query(
        "select watermark, batch_id from raw.load_watermarks where source_table = ?", ["orders"]
    ) == [(second.watermark, second.batch_id)]


def test_a_re_run_adds_no_rows_and_no_quarantine(world, write_sources, ingest, query) -> None:
    world["order_lines"].append({**world["order_lines"][0], "order_line_id": 9, "quantity": -1})
    world["customers"].append(dict(world["customers"][0]))
    write_sources(world)
    first = ingest()
    counts = {t.name: query(f"select count(*) from raw.{t.name}")[0][0] for t in SOURCE_TABLES}
    quarantine = query("select * from raw.quarantine order by all")
    assert len(quarantine) == 3  # negative quantity, net amount rule, duplicate customer

    second = ingest()
    assert all(r.rows_new == 0 and r.reconciled for r in second.values())
    assert {t: r.rows_read for t, r in second.items()} == {t: r.rows_read for t, r in first.items()}
    assert second["order_lines"].rows_quarantined == 1
    assert second["customers"].rows_quarantined == 1
    assert {t.name: query(f"select count(*) from raw.{t.name}")[0][0] for t in SOURCE_TABLES} == (
        counts
    )
    assert query("select * from raw.quarantine order by all") == quarantine
    assert query("select status, count(*) from raw.load_batches group by 1") == [
        ("completed", 2 * len(SOURCE_TABLES))
    ]


# raw columns a warehouse created before these ids were text holds as BIGINT
ONCE_NUMBERS = {
    "orders": ("order_id",),
    "order_lines": ("order_line_id", "order_id"),
    "leads": ("lead_id",),
    "rep_assignments": ("assignment_id",),
}


def test_a_warehouse_whose_ids_were_numbers_keeps_its_versions_and_loads_text_ids(
    settings, world, write_sources, ingest, query
) -> None:
    world["leads"][0]["lead_id"] = 7
    write_sources(world)
    ingest()
    with connect_warehouse(settings) as connection:
        for table, columns in ONCE_NUMBERS.items():
            for column in columns:
                connection.execute(f"alter table raw.{table} alter {column} type bigint")
    later = "2025-03-02 10:00:00"
    order, line = world["orders"][0], world["order_lines"][0]
    write_sources(
        {
            "orders": [{**order, "order_id": "SO-0003", "updated_at": later}],
            "order_lines": [
                {**line, "order_line_id": "SO-0003-1", "order_id": "SO-0003", "updated_at": later}
            ],
        }
    )

    results = ingest()

    assert all(r.reconciled and r.rows_quarantined == 0 for r in results.values())
    assert (results["orders"].rows_new, results["order_lines"].rows_new) == (1, 1)
    types = query(
        "select table_name, column_name, data_type from information_schema.columns "
        "where table_schema = 'raw' and data_type <> 'VARCHAR'"
    )
    assert not [(t, c) for t, c, _ in types if c in ONCE_NUMBERS.get(t, ())], types
    by_id = "order by length({0}), {0}"
    assert query(f"select order_id from raw.orders {by_id.format('order_id')}") == [
        ("1",),
        ("2",),
        ("SO-0003",),
    ]
    assert query(
        f"select order_line_id, order_id from raw.order_lines {by_id.format('order_line_id')}"
    ) == [("1", "1"), ("2", "1"), ("3", "2"), ("SO-0003-1", "SO-0003")]
    assert query("select lead_id from raw.leads") == [("7",)]


class Crash(RuntimeError):
    pass


def crash_after_first_chunk_of(table: str):
    def progress(step: IngestProgress) -> None:
        if step.source_table == table and step.chunk == 1:
            raise Crash(f"killed after chunk 1 of {table}")

    return progress


def test_crash_mid_batch_then_re_run_loads_each_version_once(
    world, write_sources, ingest, query
) -> None:
    stamps = ["2025-01-01 08:00:00", "2025-01-02 08:00:00", "2025-02-20 08:00:00"]
    for line, stamp in zip(world["order_lines"], stamps, strict=True):
        line["updated_at"] = stamp  # only line 3 lies inside the next look-back
    write_sources(world)
    first = ingest()["order_lines"]
    assert first.watermark == datetime(2025, 2, 20, 8, 0)
    line = world["order_lines"][0]
    later = "2025-03-06 10:00:00"
    write_sources(
        {
            "order_lines": [
                {**line, "order_line_id": 20, "updated_at": later},
                {**line, "order_line_id": 20, "updated_at": later},  # duplicate in chunk 1
                {**line, "order_line_id": 21, "quantity": "many", "updated_at": later},
                {**line, "order_line_id": 22, "updated_at": later},
                {**line, "order_line_id": 23, "updated_at": later},
                {
                    **line,
                    "order_line_id": 1,
                    "quantity": 3,
                    "net_amount": 8900.0,
                    "updated_at": later,
                },  # a new version of line 1
            ]
        }
    )
    with pytest.raises(Crash):
        ingest(progress=crash_after_first_chunk_of("order_lines"), chunk_size=2)

    failed = query(
        "select batch_id, status, rows_read, rows_new, rows_quarantined, watermark, error "
        "from raw.load_batches where source_table = 'order_lines' and status <> 'completed'"
    )
    assert len(failed) == 1
    failed_batch, status, read, new, quarantined, watermark, error = failed[0]
    assert (status, watermark) == ("failed", None)
    assert error == "Crash: killed after chunk 1 of order_lines"
    watermarks = query("select source_table, watermark from raw.load_watermarks")
    assert ("order_lines", first.watermark) in watermarks
    # chunk 1 = line 3 (re-read) and line 20 (new), committed before the crash
    assert (read, new, quarantined) == (2, 1, 0)
    in_failed_batch = "select order_line_id from raw.order_lines where _batch_id = ?"
    assert query(in_failed_batch, [failed_batch]) == [("20",)]

    rerun = ingest(chunk_size=2)["order_lines"]
    assert rerun.reconciled and rerun.watermark == datetime(2025, 3, 6, 10, 0)
    versions = query(
        "select order_line_id, updated_at, count(*) from raw.order_lines group by all "
        "having count(*) > 1"
    )
    assert versions == []
    ids = "select order_line_id from raw.order_lines order by length(order_line_id), 1"
    assert query(ids) == [("1",), ("1",), ("2",), ("3",), ("20",), ("22",), ("23",)]
    # read: 3, 20 (both already in raw), 20 again, 21 (quarantined), 22, 23, 1 (new)
    assert (rerun.rows_read, rerun.rows_loaded, rerun.rows_new) == (7, 5, 3)
    assert query("select rule, count(*) from raw.quarantine group by 1 order by 1") == [
        ("duplicate_key", 1),
        ("type:integer", 1),
    ]


def test_a_batch_left_running_by_a_killed_process_is_abandoned(
    settings, world, write_sources, ingest, query
) -> None:
    write_sources(world)
    ingest()
    with connect_warehouse(settings) as connection:
        killed, _ = start_batch(connection, "orders", None)
    ingest()
    assert query(
        "select status, finished_at is not null from raw.load_batches where batch_id = ?", [killed]
    ) == [("abandoned", True)]


def test_a_future_stamp_does_not_push_the_watermark_past_now(
    world, write_sources, ingest, query
) -> None:
    future = (datetime.now() + timedelta(days=30)).replace(microsecond=0)
    world["customers"][1]["updated_at"] = future.isoformat(sep=" ")
    write_sources(world)
    before = datetime.now()
    first = ingest()["customers"]
    assert before <= first.watermark <= datetime.now()
    second = ingest()["customers"]
    # the next batch re-reads from now minus the look-back: the future row only, not new
    assert (second.rows_read, second.rows_new) == (1, 0)


KILLED_RUN = """
import os, signal, sys
from dataclasses import replace
from pathlib import Path
from orchestration.ingest.load import ingest_all
from orchestration.settings import Settings

settings = replace(Settings().with_data_dir(Path(sys.argv[1])), ingest_chunk_size=2)


def die(step):
    if step.source_table == "order_lines" and step.chunk == 2:
        os.kill(os.getpid(), signal.SIGKILL)  # no cleanup, no 'failed' mark


ingest_all(settings, die)
"""


@pytest.mark.slow
def test_a_killed_process_leaves_a_loadable_warehouse(
    settings, world, write_sources, ingest, query
) -> None:
    line = world["order_lines"][0]
    world["order_lines"] += [{**line, "order_line_id": i} for i in range(10, 16)]
    write_sources(world)
    env = {**os.environ, "PYTHONPATH": str(settings.project_root)}
    killed = subprocess.run(
        [sys.executable, "-c", KILLED_RUN, str(settings.data_dir)],
        env=env,
        capture_output=True,
        timeout=120,
    )
    assert killed.returncode == -signal.SIGKILL, killed.stderr.decode()[-2000:]
    assert query(
        "select status, rows_read from raw.load_batches where source_table = 'order_lines'"
    ) == [("running", 4)]
    assert query("select count(*) from raw.order_lines") == [(4,)]

    rerun = ingest()["order_lines"]
    assert (rerun.rows_read, rerun.rows_new, rerun.rows_quarantined) == (9, 5, 0)
    assert query(
        "select status from raw.load_batches where source_table = 'order_lines' order by started_at"
    ) == [("abandoned",), ("completed",)]
    assert query(
        "select count(*), count(distinct (order_line_id, updated_at)) from raw.order_lines"
    ) == [(9, 9)]
