"""Spark's table folders shown as warehouse views, and the raw tables landed for Spark.

No Spark needed: the folders are written by DuckDB in the layout Spark writes
(`<dir>/warehouse/<schema>.db/<table>/[quarter=Q/]part-*.parquet`).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from decimal import Decimal

import duckdb
import pytest

from orchestration.settings import Settings
from orchestration.transform.engines import engine_problem
from orchestration.transform.spark_raw import land_raw_tables, unlanded_raw_tables
from orchestration.transform.spark_tables import show_spark_tables, spark_tables


def write_parquet(sql: str, path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with duckdb.connect() as connection:
        connection.execute("set TimeZone = 'Asia/Shanghai'")  # the views must not depend on it
        connection.execute(f"copy ({sql}) to '{path}' (format parquet)")


@pytest.fixture
def spark_dir(tmp_path):
    tables = tmp_path / "spark" / "warehouse"
    mart = tables / "marts.db" / "fct_node_actuals"
    for quarter, amount in (("2026Q2", "10.25"), ("2026Q3", "7.50")):
        write_parquet(
            f"select 'n1' as node_id, cast({amount} as decimal(18, 2)) as revenue",
            mart / f"quarter={quarter}" / "part-00000-a.c000.snappy.parquet",
        )
    write_parquet(
        "select 'r1' as rep_id, timestamptz '2026-07-01 08:30:00+00' as published_at",
        tables / "reporting.db" / "rpt_reps" / "part-00000-b.c000.snappy.parquet",
    )
    (tables / "marts.db" / "fct_empty" / "_SUCCESS").parent.mkdir(parents=True)
    (tables / "marts.db" / "fct_empty" / "_SUCCESS").touch()
    return tmp_path / "spark"


def test_every_spark_table_with_files_becomes_a_view_of_them(spark_dir, tmp_path):
    assert [(t.schema, t.name) for t in spark_tables(spark_dir)] == [
        ("marts", "fct_empty"),
        ("marts", "fct_node_actuals"),
        ("reporting", "rpt_reps"),
    ]
    with duckdb.connect(str(tmp_path / "warehouse.duckdb")) as connection:
        # an earlier DuckDB build left a table of the same name: Spark's replaces it
        connection.execute("create schema reporting")
        connection.execute("create table reporting.rpt_reps as select 'old' as rep_id")

        shown = show_spark_tables(connection, spark_dir)

        assert shown == ["marts.fct_node_actuals", "reporting.rpt_reps"]  # no files: no view
        rows = connection.execute(
            "select quarter, node_id, revenue from marts.fct_node_actuals order by quarter"
        ).fetchall()
        assert rows == [("2026Q2", "n1", Decimal("10.25")), ("2026Q3", "n1", Decimal("7.50"))]
        types = dict(
            connection.execute(
                "select column_name, data_type from information_schema.columns"
                " where table_name in ('fct_node_actuals', 'rpt_reps')"
            ).fetchall()
        )
        assert types["quarter"] == "VARCHAR"  # the partition folder's text, not cast
        assert types["revenue"] == "DECIMAL(18,2)"
        assert types["published_at"] == "TIMESTAMP"  # UTC wall clock, as DuckDB builds it
        assert connection.execute("select * from reporting.rpt_reps").fetchall() == [
            ("r1", datetime(2026, 7, 1, 8, 30))
        ]
        (kind,) = connection.execute(
            "select table_type from information_schema.tables where table_name = 'rpt_reps'"
        ).fetchone()
        assert kind == "VIEW"

        # a partition written later is read with no new view
        write_parquet(
            "select 'n2' as node_id, cast(1.00 as decimal(18, 2)) as revenue",
            spark_dir / "warehouse/marts.db/fct_node_actuals/quarter=2026Q4/part-0.parquet",
        )
        assert connection.execute("select count(*) from marts.fct_node_actuals").fetchone() == (3,)


def test_raw_tables_are_landed_whole_and_only_when_missing(tmp_path):
    warehouse = tmp_path / "warehouse.duckdb"
    with duckdb.connect(str(warehouse)) as connection:
        connection.execute("create schema raw")
        connection.execute("create table raw.orders as select range as order_id from range(5)")
        connection.execute("create table raw.reps as select 'r1' as rep_id")
    spark_dir = tmp_path / "spark"

    assert unlanded_raw_tables(warehouse, spark_dir, ["orders", "reps", "leads"]) == [
        "orders",
        "reps",
    ]  # leads is not in the warehouse: nothing to land
    assert land_raw_tables(warehouse, spark_dir, ["orders"]) == {"orders": 5}
    assert unlanded_raw_tables(warehouse, spark_dir, ["orders", "reps"]) == ["reps"]
    files = list((spark_dir / "raw" / "orders").iterdir())
    assert [path.name for path in files] == ["part-0.parquet"]
    with duckdb.connect() as connection:
        assert connection.execute(f"select sum(order_id) from '{files[0]}'").fetchone() == (10,)
    assert not [p for p in (spark_dir / "raw").iterdir() if p.name.startswith(".")]


def test_spark_without_java_is_refused_with_what_to_install(monkeypatch, tmp_path):
    settings = replace(Settings(), engine="spark")
    assert engine_problem(replace(settings, engine="duckdb")) is None
    monkeypatch.setenv("PATH", str(tmp_path))  # an empty folder: no java on PATH
    monkeypatch.delenv("JAVA_HOME", raising=False)
    problem = engine_problem(settings)
    assert problem is not None
    assert "Java 17" in problem or "spark` extra" in problem


def test_an_unknown_engine_is_refused(monkeypatch):
    monkeypatch.setenv("SALES_TARGETS_ENGINE", "snowflake")
    with pytest.raises(ValueError, match="SALES_TARGETS_ENGINE must be one of duckdb, spark"):
        Settings.from_env()
