"""The pipeline on Spark (`SALES_TARGETS_ENGINE=spark`) publishes the DuckDB pipeline's store.

The same Dagster job (ingest, dbt on Spark through dbt-spark's session method, contract
checks, publish, report) runs the demo world's quarters 2026Q2..2026Q3 as the shared
DuckDB run does (`published_demo`), and every published `rpt_*` table must match row for
row: same columns and types, money to the cent, rates to 1e-9, text exactly. Then a mart
is built again for one quarter: Spark overwrites that quarter's partition and no other.

`make test-spark` runs this file (the `spark` marker); it needs the `spark` extra and
Java 17; under `make test-spark` (SALES_TARGETS_REQUIRE_SPARK=1) their absence fails the
test instead of skipping it.
"""

from __future__ import annotations

import decimal
import math
import os
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from orchestration.partitions import QuarterWindow
from orchestration.runner import run_quarters
from orchestration.transform.engines import engine_problem
from orchestration.transform.project import pipeline_invocation
from tests.conftest import settings_in

pytestmark = [pytest.mark.slow, pytest.mark.spark]

RATE_TOLERANCE = 1e-9
Q2, Q3 = date(2026, 4, 1), date(2026, 7, 1)
Q3_WINDOW = QuarterWindow(date(2026, 7, 1), date(2026, 9, 30), date(2026, 9, 30))
PARTITIONED_MART = "fct_node_actuals"


def sort_key(row: tuple) -> list:
    """Rows in one order on both engines: nulls first, numbers by value (rounded, so a
    last-bit difference of a rate does not reorder them), the rest as text."""
    key = []
    for value in row:
        if value is None:
            key.append((0, 0.0, ""))
        elif isinstance(value, (int, float, decimal.Decimal)) and not isinstance(value, bool):
            key.append((1, round(float(value), 6), ""))
        else:
            key.append((2, 0.0, str(value)))
    return key


def same_value(duckdb_value: object, spark_value: object) -> bool:
    if duckdb_value is None or spark_value is None:
        return duckdb_value is None and spark_value is None
    if isinstance(duckdb_value, float) or isinstance(spark_value, float):
        return math.isclose(
            float(duckdb_value), float(spark_value), rel_tol=RATE_TOLERANCE, abs_tol=RATE_TOLERANCE
        )
    if isinstance(duckdb_value, datetime) and isinstance(spark_value, datetime):
        return duckdb_value == spark_value
    return duckdb_value == spark_value  # DECIMAL(18,2) money compares to the cent


def store_tables(store: Path) -> dict[str, tuple[list[tuple[str, str]], list[tuple]]]:
    """Each published table but the publication log: its (column, type) list and rows."""
    with duckdb.connect(str(store), read_only=True) as connection:
        names = [
            name
            for (name,) in connection.execute(
                "select table_name from information_schema.tables"
                " where table_name like 'rpt%' and table_name <> 'rpt_publication' order by 1"
            ).fetchall()
        ]
        tables = {}
        for name in names:
            columns = connection.execute(
                "select column_name, data_type from information_schema.columns"
                " where table_name = ? order by ordinal_position",
                [name],
            ).fetchall()
            tables[name] = (columns, connection.execute(f"select * from {name}").fetchall())
    return tables


def differences(duckdb_store: Path, spark_store: Path) -> list[str]:
    """How the Spark pipeline's store differs from the DuckDB pipeline's (empty if equal)."""
    expected, found = store_tables(duckdb_store), store_tables(spark_store)
    if sorted(expected) != sorted(found):
        return [f"tables: DuckDB {sorted(expected)}, Spark {sorted(found)}"]
    lines = []
    for table, (columns, duckdb_rows) in expected.items():
        spark_columns, spark_rows = found[table]
        if spark_columns != columns:
            lines.append(f"{table} columns: DuckDB {columns}, Spark {spark_columns}")
            continue
        if len(duckdb_rows) != len(spark_rows):
            lines.append(f"{table}: {len(duckdb_rows)} rows on DuckDB, {len(spark_rows)} on Spark")
            continue
        pairs = zip(
            sorted(duckdb_rows, key=sort_key), sorted(spark_rows, key=sort_key), strict=True
        )
        for duckdb_row, spark_row in pairs:
            for (column, _), ours, theirs in zip(columns, duckdb_row, spark_row, strict=True):
                if not same_value(ours, theirs):
                    lines.append(f"{table}.{column}: DuckDB {ours!r}, Spark {theirs!r}")
    return lines


def partition_files(settings, quarter: str) -> dict[str, int]:
    """The Parquet files of one quarter's partition of the partitioned mart, with mtimes."""
    folder = settings.spark_dir / "warehouse" / "marts.db" / PARTITIONED_MART / f"quarter={quarter}"
    return {path.name: path.stat().st_mtime_ns for path in folder.glob("*.parquet")}


@pytest.fixture(scope="module")
def spark_run(published_demo, tmp_path_factory):
    """The DuckDB run's quarters, with the same sources, on Spark."""
    problem = engine_problem(replace(published_demo.settings, engine="spark"))
    if problem and os.environ.get("SALES_TARGETS_REQUIRE_SPARK"):
        pytest.fail(problem)  # `make test-spark`: a skip would pass for a run
    if problem:
        pytest.skip(problem)
    demo = published_demo.settings
    settings = replace(
        settings_in(tmp_path_factory.mktemp("spark_pipeline")),
        engine="spark",
        crm_database_url=demo.crm_database_url,
        orders_database_url=demo.orders_database_url,
    )
    outcome = run_quarters(
        settings,
        Q2,
        Q3,
        instance=dg.DagsterInstance.ephemeral(),
        leave_out=["published/dbt_docs"],  # the docs page: another Spark session, not numbers
    )
    assert outcome.success, outcome.error
    return settings, outcome


def test_the_spark_pipeline_publishes_the_duckdb_store(published_demo, spark_run):
    settings, outcome = spark_run
    assert "published/reporting_store" in outcome.materialized
    assert not outcome.failed_checks
    assert (settings.reports_dir / "index.html").exists()
    found = differences(published_demo.settings.reporting_path, settings.reporting_path)
    assert not found, f"{len(found)} differences:\n" + "\n".join(found[:40])
    # the tables were built by Spark: the warehouse only shows Spark's Parquet files
    with duckdb.connect(str(settings.warehouse_path), read_only=True) as connection:
        (kind,) = connection.execute(
            "select table_type from information_schema.tables"
            " where table_schema = 'reporting' and table_name = 'rpt_target_tree'"
        ).fetchone()
    assert kind == "VIEW"
    assert any(
        (settings.spark_dir / "warehouse" / "reporting.db" / "rpt_target_tree").glob("*.parquet")
    )


def test_a_quarter_build_overwrites_only_its_own_partitions(spark_run, tmp_path):
    """The marts' incremental strategy on Spark, on its own: one mart and what it is built
    from (a run of one quarter builds every mart the same way) rebuilt for 2026Q3 leave
    2026Q2's files as they were and write 2026Q3's anew. (Spark's intermediate tables hold
    the last run's window: the mart alone would still see 2026Q2.)"""
    settings, _ = spark_run
    q2_before, q3_before = partition_files(settings, "2026Q2"), partition_files(settings, "2026Q3")
    assert q2_before and q3_before

    arguments = ["run", "--select", f"+{PARTITIONED_MART}", "--exclude", "staging"]
    invocation = pipeline_invocation(settings, arguments, Q3_WINDOW, work_dir=tmp_path)
    invocation.run().raise_for_failure(f"{PARTITIONED_MART} for 2026Q3 on Spark")

    assert partition_files(settings, "2026Q2") == q2_before  # not rewritten
    q3_after = partition_files(settings, "2026Q3")
    assert q3_after and not set(q3_after) & set(q3_before)  # written anew
    with duckdb.connect(str(settings.warehouse_path), read_only=True) as connection:
        quarters = connection.execute(
            f"select quarter, count(*) from marts.{PARTITIONED_MART} group by 1 order by 1"
        ).fetchall()
    assert [quarter for quarter, _ in quarters] == ["2026Q2", "2026Q3"]
