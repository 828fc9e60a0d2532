"""Staging as incremental tables: a later build re-ranks only keys with new versions, and
its tests read only the rows loaded after the last build that passed them.

The raw version log of test_staging.py arrives in two parts (loads 1-3, then 4-5 with a
stale version re-read); the second build must hold what a whole build of every version
holds (test_staging.EXPECTED_STAGING, written down by hand).
"""

from __future__ import annotations

import shutil
from datetime import datetime, timedelta
from pathlib import Path

import duckdb
import pytest

from orchestration.ingest.raw_layout import RAW_SCHEMA
from orchestration.quality.contract_watermarks import record_pass
from orchestration.settings import Settings
from orchestration.transform.assets import HISTORY_SELECT
from orchestration.transform.dbt_invocation import (
    STAGING_TESTED_THROUGH_ENV,
    DbtInvocation,
    project_env,
)
from orchestration.transform.staging_state import STAGING_BUILD, StagingBuild
from tests.dbt.test_staging import (
    DBT_TIMEOUT_SECONDS,
    EXPECTED_STAGING,
    LOAD_2,
    LOAD_3,
    LOAD_4,
    LOAD_5,
    RAW_VERSIONS,
    RawVersions,
    create_raw_layer,
)

pytestmark = pytest.mark.slow

BUILD = ["build", "--select", "staging", "--indirect-selection", "cautious"]
WITH_HISTORY = ["--select", "staging", HISTORY_SELECT]
LOAD_6 = ("batch-6", datetime(2026, 10, 8, 3, 0))


def loaded_up_to(last: datetime, later: bool = False) -> dict[str, RawVersions]:
    """RAW_VERSIONS' rows loaded at or before `last` (or, with `later`, after it)."""
    return {
        table: (names, [row for row in rows if (row[-1] > last) == later])
        for table, (names, rows) in RAW_VERSIONS.items()
    }


def append_versions(warehouse: Path, versions: dict[str, RawVersions]) -> None:
    with duckdb.connect(str(warehouse)) as connection:
        for table, (names, rows) in versions.items():
            if rows:
                connection.executemany(
                    f"insert into {RAW_SCHEMA}.{table} ({', '.join(names)}) "
                    f"values ({', '.join('?' for _ in names)})",
                    rows,
                )


def build(warehouse: Path, work_dir: Path, tested_through: datetime | None = None, *extra):
    work_dir.mkdir()
    env = project_env(warehouse_path=warehouse)
    if tested_through is not None:
        env[STAGING_TESTED_THROUGH_ENV] = tested_through.isoformat(sep=" ")
    return DbtInvocation((*BUILD, *extra), Settings().dbt_project_dir, env, work_dir=work_dir).run(
        DBT_TIMEOUT_SECONDS
    )


def staging_rows(warehouse: Path, model: str) -> list[tuple]:
    columns, _ = EXPECTED_STAGING[model]
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        return connection.execute(
            f"select {columns} from staging.{model} order by {columns}"
        ).fetchall()


def test_a_later_build_adds_only_what_changed_and_holds_the_latest_versions(tmp_path):
    warehouse = tmp_path / "warehouse.duckdb"
    first_part = loaded_up_to(LOAD_3[1])
    # no inventory snapshot yet: its staging table starts empty
    assert first_part["inventory_snapshots"][1] == []
    create_raw_layer(warehouse, first_part)
    first = build(warehouse, tmp_path / "first")
    assert first.returncode == 0, first.output

    second_part = loaded_up_to(LOAD_3[1], later=True)
    names, lines = second_part["order_lines"]
    # line 11's first version re-read by a late load: its newer version still wins
    (stale,) = [row for row in RAW_VERSIONS["order_lines"][1] if row[:2] == ("11", "2")][:1]
    second_part["order_lines"] = (names, [*lines, (*stale[:-2], *LOAD_5)])
    append_versions(warehouse, second_part)
    second = build(warehouse, tmp_path / "second", LOAD_3[1])
    assert second.returncode == 0, second.output

    # built incrementally: from the changed keys' versions, by delete and insert
    target = tmp_path / "second" / "target"
    compiled = next(target.rglob("compiled/**/stg_orders__order_lines.sql")).read_text()
    assert "versions_of_changed_keys" in compiled
    assert "delete from" in next(target.rglob("run/**/stg_orders__order_lines.sql")).read_text()
    for model, (_, expected) in EXPECTED_STAGING.items():
        assert staging_rows(warehouse, model) == expected, model


def test_tests_read_the_rows_loaded_after_the_last_pass(tmp_path):
    warehouse = tmp_path / "warehouse.duckdb"
    create_raw_layer(warehouse, RAW_VERSIONS)
    assert build(warehouse, tmp_path / "first").returncode == 0
    names, _ = RAW_VERSIONS["order_lines"]
    orphan = ("13", "999", "p-0001", 1, "100.00", "0.00", "100.00", "2026-10-07 12:00", *LOAD_6)
    append_versions(warehouse, {"order_lines": (names, [orphan])})

    # loaded after the last pass: the relationship test reads it and fails the build
    failed = build(warehouse, tmp_path / "after", LOAD_5[1])
    assert failed.returncode != 0
    assert [f.node.split(".")[2] for f in failed.failures()] == [
        "relationships_stg_orders__order_lines_order_id__order_id__ref_stg_orders__orders_"
    ]
    # counted as tested (loaded before the given pass): no test reads it
    assert build(warehouse, tmp_path / "before", LOAD_6[1]).returncode == 0
    # a hand-run build sets nothing and reads every row again
    assert build(warehouse, tmp_path / "hand", None).returncode != 0


def test_a_pass_is_kept_until_staging_changes(tmp_path):
    project = tmp_path / "dbt_project"
    shutil.copytree(
        Settings().dbt_project_dir, project, ignore=shutil.ignore_patterns("target", "logs")
    )
    settings = Settings(dbt_project_dir=project).with_data_dir(tmp_path / "data")
    settings.warehouse_path.parent.mkdir(parents=True)
    create_raw_layer(settings.warehouse_path, RAW_VERSIONS)

    first = StagingBuild.begin(settings)
    assert first.whole and first.arguments == ["--full-refresh"]
    assert first.env == {STAGING_TESTED_THROUGH_ENV: ""}
    assert first.loaded_through == LOAD_5[1]  # the newest load of any raw table
    first.record_pass(settings)

    later = StagingBuild.begin(settings)
    assert not later.whole and later.arguments == []
    assert later.env == {STAGING_TESTED_THROUGH_ENV: "2026-10-07 03:00:00"}

    model = project / "models" / "staging" / "orders" / "stg_orders__orders.sql"
    model.write_text(model.read_text() + "\n-- changed\n")
    changed = StagingBuild.begin(settings)
    assert changed.whole
    record_pass(settings, STAGING_BUILD, changed.fingerprint, LOAD_5[1] + timedelta(days=1))
    assert StagingBuild.begin(settings).tested_through == LOAD_5[1] + timedelta(days=1)


HISTORY_COLUMNS = (
    "order_id, updated_at, status, is_completed, valid_until, is_earliest, is_inferred, loaded_at"
)
HOUR_12 = timedelta(hours=12)


def history_rows(warehouse: Path) -> list[tuple]:
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        return connection.execute(
            f"select {HISTORY_COLUMNS} from intermediate.int_order_status_versions_reconstructed "
            f"order by {HISTORY_COLUMNS}"
        ).fetchall()


def test_the_order_history_is_rebuilt_only_for_orders_with_a_new_version(tmp_path):
    """RAW_VERSIONS' orders, every status each had, written down by hand. Order 3 was first
    read cancelled: it counts as booked completed from the start of its order date until
    the cancellation. Each row carries the newest load of its order."""
    july_10, july_20, july_25 = datetime(2026, 7, 10), datetime(2026, 7, 20), datetime(2026, 7, 25)
    refund = datetime(2026, 10, 5, 9, 30)
    order_3 = [
        ("3", july_25, "completed", True, july_25 + HOUR_12, True, True, LOAD_2[1]),
        ("3", july_25 + HOUR_12, "cancelled", False, None, False, False, LOAD_2[1]),
    ]
    warehouse = tmp_path / "warehouse.duckdb"
    create_raw_layer(warehouse, loaded_up_to(LOAD_3[1]))
    assert build(warehouse, tmp_path / "first", None, *WITH_HISTORY).returncode == 0
    assert history_rows(warehouse) == [
        ("1", july_10 + HOUR_12, "completed", True, None, True, False, LOAD_2[1]),
        ("2", july_20 + HOUR_12, "completed", True, None, True, False, LOAD_2[1]),
        *order_3,
    ]

    # order 3 left as it was must stay so: mark it, and the incremental build keeps the mark
    with duckdb.connect(str(warehouse)) as connection:
        connection.execute(
            "update intermediate.int_order_status_versions_reconstructed "
            "set status = 'untouched' where order_id = '3' and is_inferred"
        )
    append_versions(warehouse, loaded_up_to(LOAD_3[1], later=True))
    second = build(warehouse, tmp_path / "second", LOAD_3[1], *WITH_HISTORY)
    assert second.returncode == 0, second.output
    assert history_rows(warehouse) == [
        # re-read by the look-back load 4: the same version, loaded again
        ("1", july_10 + HOUR_12, "completed", True, None, True, False, LOAD_4[1]),
        # refunded after Q3 closed: the completed version now ends at the refund
        ("2", july_20 + HOUR_12, "completed", True, refund, True, False, LOAD_4[1]),
        ("2", refund, "refunded", False, None, False, False, LOAD_4[1]),
        ("3", july_25, "untouched", True, july_25 + HOUR_12, True, True, LOAD_2[1]),
        order_3[1],
    ]
