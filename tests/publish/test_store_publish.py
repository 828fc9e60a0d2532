"""publish_reporting_store: what a publish writes, the publication log, and refusals."""

from __future__ import annotations

import hashlib
import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from orchestration.publish.gate import CheckOutcome, PublishBlockedError, require_checks_passed
from orchestration.publish.publication import latest_publication
from orchestration.publish.store import publish_reporting_store


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith((".tmp", ".tmp.wal")))


def test_publish_copies_every_reporting_table_with_its_types(settings, warehouse):
    counts = warehouse(version=1)

    publication = publish_reporting_store(settings, {"run_id": "run-1"})

    assert publication.row_counts == counts
    assert publication.quarters == ["2026Q2", "2026Q3"]
    with duckdb.connect(str(settings.reporting_path), read_only=True) as store:
        tables = [name for (name,) in store.execute("show tables").fetchall()]
        assert tables == [
            "rpt_progress_weekly",
            "rpt_publication",
            "rpt_target_tree",
            "rpt_team_performance",
        ]
        types = dict(
            store.execute(
                "select column_name, data_type from information_schema.columns "
                "where table_name = 'rpt_target_tree'"
            ).fetchall()
        )
        assert types["target_value"] == "DECIMAL(18,2)"
        total = store.execute(
            "select target_value from rpt_target_tree "
            "where quarter = '2026Q3' and node_id = 'total'"
        ).fetchone()[0]
        assert total == Decimal("1000001.00")
    assert leftovers(settings.data_dir) == []


def test_publication_log_accumulates_one_row_per_publish(settings, warehouse):
    warehouse(version=1)
    first = publish_reporting_store(
        settings,
        {"run_id": "run-1"},
        checks=[CheckOutcome("marts/fct_targets", "not_negative", True)],
    )
    counts = warehouse(version=2)
    second = publish_reporting_store(settings, {"run_id": "run-2", "as_of_date": "2026-09-30"})

    assert (first.publication_number, second.publication_number) == (1, 2)
    with duckdb.connect(str(settings.reporting_path), read_only=True) as store:
        rows = store.execute(
            "select publication_number, run_id, as_of_date, checks_passed, checks_passed_count "
            "from rpt_publication order by publication_number"
        ).fetchall()
        assert rows == [
            (1, "run-1", None, '["marts/fct_targets:not_negative"]', 1),
            (2, "run-2", date(2026, 9, 30), "[]", 0),
        ]
        latest = latest_publication(store)
    assert latest["publication_id"] == second.publication_id
    assert latest["row_counts"] == counts
    assert latest["quarters"] == "2026Q2,2026Q3"
    # newest watermark per source table, with the batch that set it
    assert latest["source_watermarks"] == {
        "customers": {"watermark": "2026-08-31 12:00:00", "batch_id": "b-c"},
        "orders": {"watermark": "2026-09-02 00:00:00", "batch_id": "b-2"},
    }


def test_log_rows_from_an_older_store_layout_are_carried_over(settings, warehouse):
    warehouse(version=1)
    settings.reporting_path.parent.mkdir(parents=True, exist_ok=True)
    with duckdb.connect(str(settings.reporting_path)) as old:
        # the first version of store.py wrote no publication_number and no watermarks
        old.execute(
            "create table rpt_publication as select "
            "timestamp '2026-01-01 00:00:00' as published_at, '2025Q4' as quarters, "
            "'{}' as row_counts, 'old-run' as run_id"
        )

    publication = publish_reporting_store(settings, {"run_id": "new-run"})

    assert publication.publication_number == 2
    with duckdb.connect(str(settings.reporting_path), read_only=True) as store:
        runs = store.execute(
            "select run_id, publication_number from rpt_publication order by published_at"
        ).fetchall()
    assert runs == [("old-run", None), ("new-run", 2)]


def test_unknown_publication_fields_are_refused(settings, warehouse):
    warehouse(version=1)
    with pytest.raises(ValueError, match=r"unknown field\(s\) \['row_counts'\]"):
        publish_reporting_store(settings, {"row_counts": "{}"})
    assert not settings.reporting_path.exists()
    assert leftovers(settings.data_dir) == []


def test_failed_check_refuses_to_publish_and_keeps_the_old_store(settings, warehouse):
    warehouse(version=1)
    publish_reporting_store(settings)
    before = digest(settings.reporting_path)
    warehouse(version=2)
    checks = [
        CheckOutcome("marts/fct_targets", "not_negative", passed=False),
        CheckOutcome("marts/fct_actuals", "unique_key", passed=True),
    ]

    with pytest.raises(PublishBlockedError, match="marts/fct_targets:not_negative"):
        publish_reporting_store(settings, checks=checks)

    assert digest(settings.reporting_path) == before
    assert leftovers(settings.data_dir) == []


def test_warn_severity_failures_do_not_block():
    checks = [CheckOutcome("a", "style", passed=False, blocks_on_failure=False)]
    require_checks_passed(checks)  # does not raise
    with pytest.raises(PublishBlockedError, match="1 check"):
        require_checks_passed([*checks, CheckOutcome("a", "key", passed=False)])


def test_a_failing_gate_deletes_the_new_file_and_keeps_store_and_parquet(settings, warehouse):
    warehouse(version=1)
    publish_reporting_store(settings)
    before = digest(settings.reporting_path)
    parquet_before = settings.parquet_dir.resolve()
    warehouse(version=2)
    seen: list[Path] = []

    def refuse(new_store: Path) -> None:
        seen.append(new_store)
        with duckdb.connect(str(new_store), read_only=True) as candidate:
            (count,) = candidate.execute("select count(*) from rpt_target_tree").fetchone()
        raise PublishBlockedError(f"refused a store with {count} target rows")

    with pytest.raises(PublishBlockedError, match="refused a store with 14 target rows"):
        publish_reporting_store(settings, gates=[refuse])

    assert seen and not seen[0].exists()
    assert digest(settings.reporting_path) == before
    assert settings.parquet_dir.resolve() == parquet_before
    assert leftovers(settings.data_dir) == []


def test_stale_files_of_a_killed_publish_are_removed_by_the_next(settings, warehouse):
    warehouse(version=1)
    publish_reporting_store(settings)
    stale = [
        settings.data_dir / ".reporting.duckdb.deadbeef.tmp",
        settings.data_dir / ".reporting.duckdb.deadbeef.tmp.wal",
    ]
    for path in stale:
        path.write_bytes(b"half a database")
    half_parquet = settings.data_dir / ".parquet.versions" / "000009-deadbeef.tmp" / "rpt_x"
    half_parquet.mkdir(parents=True)
    stray_link = settings.data_dir / ".parquet.deadbeef.link"
    stray_link.symlink_to("nowhere")

    publish_reporting_store(settings)

    assert not any(path.exists() for path in stale)
    assert not half_parquet.parent.exists()
    assert not stray_link.is_symlink()
    with duckdb.connect(str(settings.reporting_path), read_only=True) as store:
        assert store.execute("select count(*) from rpt_publication").fetchone()[0] == 2


def test_publishing_without_reporting_tables_names_the_warehouse(settings):
    settings.data_dir.mkdir(parents=True)
    duckdb.connect(str(settings.warehouse_path)).close()
    with pytest.raises(RuntimeError, match=r"no rpt_\* tables in schema reporting of .*warehouse"):
        publish_reporting_store(settings)
    assert leftovers(settings.data_dir) == []


def test_row_counts_json_matches_the_tables_of_the_same_file(settings, warehouse):
    warehouse(version=3)
    publish_reporting_store(settings)
    with duckdb.connect(str(settings.reporting_path), read_only=True) as store:
        (row_counts,) = store.execute("select row_counts from rpt_publication").fetchone()
        for table, expected in json.loads(row_counts).items():
            assert store.execute(f"select count(*) from {table}").fetchone()[0] == expected
