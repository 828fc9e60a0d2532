"""The published store as a BI tool opens it: read-only, through information_schema.

Every table and column carries its description from the registry, in the store and in
the Parquet files' metadata, so a BI tool shows what each column means.
"""

from __future__ import annotations

import duckdb

from models.registry.published import PUBLISHED_TABLES
from orchestration.publish.store import publish_reporting_store


def test_every_published_table_and_column_carries_its_description(settings, warehouse):
    warehouse(version=1)
    publish_reporting_store(settings)

    with duckdb.connect(str(settings.reporting_path), read_only=True) as store:
        tables = dict(
            store.execute(
                "select table_name, table_comment from information_schema.tables"
                " where table_schema = 'main' order by 1"
            ).fetchall()
        )
        columns = store.execute(
            "select table_name, column_name, column_comment from information_schema.columns"
            " where table_schema = 'main' order by table_name, ordinal_position"
        ).fetchall()

    assert sorted(tables) == [
        "rpt_progress_weekly",
        "rpt_publication",
        "rpt_target_tree",
        "rpt_team_performance",
    ]
    for table, comment in tables.items():
        assert comment == PUBLISHED_TABLES[table].description, table
    assert len(columns) > 30
    for table, column, comment in columns:
        assert comment, f"{table}.{column} has no comment"
        assert comment == PUBLISHED_TABLES[table].column(column).description


def test_the_parquet_files_carry_the_same_descriptions(settings, warehouse):
    warehouse(version=1)
    publish_reporting_store(settings)

    table = PUBLISHED_TABLES["rpt_target_tree"]
    files = sorted((settings.parquet_dir.resolve() / "rpt_target_tree").rglob("*.parquet"))
    assert files
    with duckdb.connect() as connection:
        for path in files:
            metadata = {
                key.decode(): value.decode()
                for key, value in connection.execute(
                    "select key, value from parquet_kv_metadata(?)", [str(path)]
                ).fetchall()
            }
            assert metadata["description"] == table.description
            written = [name for (name,) in connection.execute(
                "select name from parquet_schema(?) where name <> 'duckdb_schema'", [str(path)]
            ).fetchall()]  # fmt: skip
            assert written and "quarter" not in written  # the partition is the folder
            for name in written:
                assert metadata[f"column.{name}"] == table.column(name).description
