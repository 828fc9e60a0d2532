"""The Parquet copy: hive layout by quarter, fixed names, swapped in as a whole."""

from __future__ import annotations

import hashlib
from pathlib import Path

import duckdb
import pytest

from orchestration.publish.parquet import stage_parquet, versions_dir, write_parquet_tables
from orchestration.publish.store import publish_reporting_store


def tree(folder: Path) -> dict[str, str]:
    """Relative path -> content hash of every file under `folder`."""
    return {
        str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def test_layout_is_hive_by_quarter_with_fixed_file_names(settings, warehouse):
    counts = warehouse(version=1)
    publish_reporting_store(settings)

    files = sorted(tree(settings.parquet_dir.resolve()))
    assert files == [
        "rpt_progress_weekly/quarter=2026Q2/data_0.parquet",
        "rpt_progress_weekly/quarter=2026Q3/data_0.parquet",
        "rpt_publication/data.parquet",
        "rpt_target_tree/quarter=2026Q2/data_0.parquet",
        "rpt_target_tree/quarter=2026Q3/data_0.parquet",
        "rpt_team_performance/quarter=2026Q2/data_0.parquet",
        "rpt_team_performance/quarter=2026Q3/data_0.parquet",
    ]
    with duckdb.connect() as connection:
        for table, expected in counts.items():
            glob = str(settings.parquet_dir / table / "*" / "*.parquet")
            rows = connection.execute(
                "select quarter, count(*) from read_parquet(?, hive_partitioning = true) "
                "group by quarter order by quarter",
                [glob],
            ).fetchall()
            assert rows == [("2026Q2", expected // 2), ("2026Q3", expected // 2)], table
        # the values survive: decimals stay decimals
        total = connection.execute(
            "select target_value from read_parquet(?, hive_partitioning = true) "
            "where quarter = '2026Q3' and node_id = 'total'",
            [str(settings.parquet_dir / "rpt_target_tree" / "*" / "*.parquet")],
        ).fetchone()[0]
        assert str(total) == "1000001.00"


def test_same_tables_give_byte_identical_files(settings, warehouse, tmp_path):
    warehouse(version=1)
    publish_reporting_store(settings)
    first, second = tmp_path / "first", tmp_path / "second"
    for destination in (first, second):
        write_parquet_tables(settings.reporting_path, destination)
    assert tree(first) == tree(second)
    assert len(tree(first)) == 7


def test_each_publish_swaps_the_link_and_keeps_only_the_previous_version(settings, warehouse):
    warehouse(version=1)
    publish_reporting_store(settings)
    first_version = settings.parquet_dir.resolve()
    warehouse(version=2)
    publish_reporting_store(settings)
    second_version = settings.parquet_dir.resolve()
    warehouse(version=3)
    publish_reporting_store(settings)

    assert settings.parquet_dir.is_symlink()
    assert not Path(settings.parquet_dir.readlink()).is_absolute()  # the data folder can move
    kept = sorted(p.name for p in versions_dir(settings.parquet_dir).iterdir())
    assert kept == sorted([second_version.name, settings.parquet_dir.resolve().name])
    assert not first_version.exists()
    with duckdb.connect() as connection:
        rows = connection.execute(
            "select count(*) from read_parquet(?)",
            [str(settings.parquet_dir / "rpt_target_tree" / "*" / "*.parquet")],
        ).fetchone()[0]
    assert rows == 2 * (5 + 3)


def test_a_plain_parquet_folder_from_before_is_replaced_by_the_link(settings, warehouse):
    warehouse(version=1)
    stale = settings.parquet_dir / "rpt_old_table" / "data.parquet"
    stale.parent.mkdir(parents=True)
    stale.write_bytes(b"old")

    publish_reporting_store(settings)

    assert settings.parquet_dir.is_symlink()
    assert not (settings.parquet_dir / "rpt_old_table").exists()


def test_a_row_without_a_valid_quarter_stops_staging_and_names_the_table(
    settings, warehouse, tmp_path
):
    store = tmp_path / "store.duckdb"
    with duckdb.connect(str(store)) as connection:
        connection.execute("create table rpt_bad as select '2026/Q3' as quarter, 1 as value")
    with pytest.raises(ValueError, match=r"table rpt_bad has quarter '2026/Q3'"):
        stage_parquet(store, settings.parquet_dir, "000001-test")
    assert list(versions_dir(settings.parquet_dir).iterdir()) == []
