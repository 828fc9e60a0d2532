"""The dbt project on Spark (dbt-spark, session method) publishes the DuckDB build's numbers.

The raw tables of the small demo are landed as Parquet (orchestration/transform/
spark_raw.py); the whole project (seeds, staging, intermediate, marts, reporting and their
data tests) is built on both engines for one quarter, and every rpt_* table must match row
for row: money to the cent, rates to 1e-9, text exactly. Needs the `spark` extra
(`pip install -e .[spark]`) and Java 17; skipped without them.
"""

from __future__ import annotations

import decimal
import math
import shutil
from datetime import date, datetime
from pathlib import Path

import duckdb
import pytest

from orchestration.partitions import QuarterWindow
from orchestration.transform.dbt_invocation import DbtInvocation, project_env
from orchestration.transform.spark_raw import land_raw_tables

pytest.importorskip("pyspark", reason="pyspark is not installed (the `spark` extra)")
pytest.importorskip("dbt.adapters.spark", reason="dbt-spark is not installed (the `spark` extra)")
if shutil.which("java") is None:
    pytest.skip("no Java on PATH: Spark needs Java 17", allow_module_level=True)

pytestmark = pytest.mark.slow

WINDOW = QuarterWindow(date(2026, 7, 1), date(2026, 9, 30), date(2026, 9, 30))
RATE_TOLERANCE = 1e-9


def build(engine: str, settings, plan_dir: Path, spark_dir: Path, work_dir: Path) -> None:
    """`dbt build` of the whole project for WINDOW on `engine`, from empty marts."""
    # dbt writes each seed's compiled SQL over a plan file given by an absolute path
    plan_copy = work_dir / "plan"
    shutil.copytree(plan_dir, plan_copy, ignore=shutil.ignore_patterns("examples"))
    env = project_env(settings.warehouse_path, plan_dir=plan_copy, window=WINDOW)
    env |= {"SALES_TARGETS_ENGINE": engine, "SALES_TARGETS_SPARK_DIR": str(spark_dir)}
    DbtInvocation(
        ("build", "--full-refresh", "--exclude-resource-type", "unit_test"),
        project_dir=settings.dbt_project_dir,
        env=env,
        work_dir=work_dir,
    ).run().raise_for_failure(f"the {engine} build of {WINDOW.quarter_start}")


def sort_key(row: tuple) -> list:
    """Rows in one order on both engines: nulls first, numbers by value (rates rounded so
    a last-bit difference does not reorder them), the rest as text."""
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
        return duckdb_value.replace(tzinfo=None) == spark_value.replace(tzinfo=None)
    return duckdb_value == spark_value  # DECIMAL(18,2) money compares to the cent


def differences(table: str, warehouse: Path, spark_dir: Path) -> list[str]:
    """How the Spark build's `table` differs from the DuckDB build's (empty when equal)."""
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        columns = [
            name
            for (name,) in connection.execute(
                "select column_name from information_schema.columns"
                " where table_schema = 'reporting' and table_name = ? order by ordinal_position",
                [table],
            ).fetchall()
        ]
        listed = ", ".join(f'"{column}"' for column in columns)
        duckdb_rows = connection.execute(f"select {listed} from reporting.{table}").fetchall()
    files = str(spark_dir / "warehouse" / "reporting.db" / table / "*.parquet")
    with duckdb.connect() as connection:
        spark_rows = connection.execute(f"select {listed} from read_parquet('{files}')").fetchall()
    if len(duckdb_rows) != len(spark_rows):
        return [f"{table}: {len(duckdb_rows)} rows on DuckDB, {len(spark_rows)} on Spark"]
    found = []
    for duckdb_row, spark_row in zip(
        sorted(duckdb_rows, key=sort_key), sorted(spark_rows, key=sort_key), strict=True
    ):
        for column, duckdb_value, spark_value in zip(columns, duckdb_row, spark_row, strict=True):
            if not same_value(duckdb_value, spark_value):
                found.append(f"{table}.{column}: DuckDB {duckdb_value!r}, Spark {spark_value!r}")
    return found


def test_the_spark_build_publishes_the_duckdb_numbers(published_demo, tmp_path):
    settings = published_demo.copy_into(tmp_path / "data")
    spark_dir = tmp_path / "spark"
    landed = land_raw_tables(settings.warehouse_path, spark_dir)
    assert landed["order_lines"] > 0

    for engine in ("duckdb", "spark"):
        work_dir = tmp_path / f"{engine}-build"
        work_dir.mkdir()
        build(engine, settings, settings.plan_dir, spark_dir, work_dir)

    with duckdb.connect(str(settings.warehouse_path), read_only=True) as connection:
        tables = [
            name
            for (name,) in connection.execute(
                "select table_name from information_schema.tables"
                " where table_schema = 'reporting' and table_name like 'rpt%' order by 1"
            ).fetchall()
        ]
    assert len(tables) == 9
    found = [
        line for table in tables for line in differences(table, settings.warehouse_path, spark_dir)
    ]
    assert not found, f"{len(found)} values differ:\n" + "\n".join(found[:40])
