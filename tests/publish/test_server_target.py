"""REPORTING_DATABASE_URL: the same tables replaced in a server database, in one transaction."""

from __future__ import annotations

import importlib.util
from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest
import sqlalchemy as sa

from orchestration.publish.server_target import ServerTargetError, replace_server_tables
from orchestration.publish.store import publish_reporting_store
from orchestration.settings import sqlite_url
from tests.publish.poll_reporting_store import read_store_version
from tests.publish.postgres_cluster import ClusterUnavailable, throwaway_cluster


def server_counts(engine: sa.Engine) -> dict[str, int]:
    with engine.connect() as connection:
        tables = sa.inspect(connection).get_table_names()
        return {
            table: connection.execute(sa.text(f"select count(*) from {table}")).scalar_one()
            for table in sorted(tables)
        }


def test_sqlite_server_gets_every_table_with_proper_types(settings, warehouse, tmp_path):
    server_file = tmp_path / "server.sqlite"
    settings = replace(settings, reporting_database_url=sqlite_url(server_file))
    counts = warehouse(version=1)

    publication = publish_reporting_store(settings, {"run_id": "run-1"})

    assert publication.server is not None
    assert publication.server.row_counts == {**counts, "rpt_publication": 1}
    engine = sa.create_engine(sqlite_url(server_file))
    try:
        assert server_counts(engine) == {**counts, "rpt_publication": 1}
        inspector = sa.inspect(engine)
        columns = {c["name"]: c["type"] for c in inspector.get_columns("rpt_target_tree")}
        assert isinstance(columns["target_value"], sa.Numeric)
        assert (columns["target_value"].precision, columns["target_value"].scale) == (18, 2)
        weekly = {c["name"]: c["type"] for c in inspector.get_columns("rpt_progress_weekly")}
        assert isinstance(weekly["week_start"], sa.Date)
        with engine.connect() as connection:
            total = connection.execute(
                sa.text(
                    "select target_value from rpt_target_tree "
                    "where quarter = '2026Q3' and node_id = 'total'"
                ).columns(target_value=sa.Numeric(18, 2))
            ).scalar_one()
            week = connection.execute(
                sa.text("select min(week_start) as week_start from rpt_progress_weekly").columns(
                    week_start=sa.Date()
                )
            ).scalar_one()
        assert total == Decimal("1000001.00")
        assert week == date(2026, 4, 6)
    finally:
        engine.dispose()


def test_a_failure_rolls_back_every_table_including_new_ones(settings, warehouse, tmp_path):
    server_file = tmp_path / "server.sqlite"
    url = sqlite_url(server_file)
    settings = replace(settings, reporting_database_url=url)
    first_counts = warehouse(version=1)
    publish_reporting_store(settings)
    engine = sa.create_engine(url)
    try:
        with engine.begin() as connection:
            # the last table written refuses rows: the failure comes after every other
            # table was already deleted and refilled inside the transaction
            connection.exec_driver_sql(
                "create trigger refuse before insert on rpt_team_performance "
                "begin select raise(abort, 'server refuses rows'); end"
            )
            connection.exec_driver_sql("drop table rpt_target_tree")
        warehouse(version=2)

        with pytest.raises(ServerTargetError, match="rolled back.*server refuses rows"):
            publish_reporting_store(settings, {"run_id": "run-2"})

        # the file store moved on; the server kept its previous version, all tables
        assert read_store_version(settings.reporting_path) == 2
        expected = {**first_counts, "rpt_publication": 1}
        del expected["rpt_target_tree"]  # dropped above; its re-creation was rolled back too
        assert server_counts(engine) == expected
    finally:
        engine.dispose()


def test_changed_columns_recreate_the_server_table(settings, warehouse, tmp_path):
    url = sqlite_url(tmp_path / "server.sqlite")
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        connection.exec_driver_sql("create table rpt_target_tree (quarter text, obsolete text)")
        connection.exec_driver_sql("insert into rpt_target_tree values ('2025Q1', 'x')")
    warehouse(version=1)
    publish_reporting_store(settings)

    replace_server_tables(settings.reporting_path, url)

    columns = [c["name"] for c in sa.inspect(engine).get_columns("rpt_target_tree")]
    assert "obsolete" not in columns and "target_value" in columns
    assert server_counts(engine)["rpt_target_tree"] == 12
    engine.dispose()


def test_postgres_server_on_loopback(settings, warehouse):
    drivers = [name for name in ("psycopg", "psycopg2") if importlib.util.find_spec(name)]
    driver = drivers[0] if drivers else None
    if driver is None:
        pytest.skip(
            "no PostgreSQL driver (psycopg or psycopg2) is installed in the virtualenv; "
            "the SQLite tests cover the server target"
        )
    counts = warehouse(version=1)
    publish_reporting_store(settings)
    try:
        with throwaway_cluster() as (host, port):
            url = f"postgresql+{driver}://postgres@{host}:{port}/postgres"
            replace_server_tables(settings.reporting_path, url)
            warehouse(version=2)
            publish_reporting_store(settings)
            publication = replace_server_tables(settings.reporting_path, url)
            engine = sa.create_engine(url)
            try:
                assert server_counts(engine) == {**publication.row_counts}
                assert publication.row_counts["rpt_publication"] == 2
                assert publication.row_counts["rpt_target_tree"] == counts["rpt_target_tree"] + 2
            finally:
                engine.dispose()
    except ClusterUnavailable as reason:
        pytest.skip(f"cannot start a throwaway PostgreSQL here: {reason}")
