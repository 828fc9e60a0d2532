"""The whole spine through Dagster on a small generated world: ingest, dbt, publish.

The world has dirty rows; the published numbers are checked against the independent
recomputation (tests/reference/reference.py) run on the same world generated clean, which
the dirty world minus its dirty rows is by construction (orchestration/demo_sources/dirty.py).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import dagster as dg
import duckdb
import pytest
import sqlalchemy as sa

from orchestration.ingest.source_tables import SOURCE_TABLES
from orchestration.runner import run_quarters
from orchestration.transform.staging_state import STAGING_BUILD
from tests.conftest import generate_small_world
from tests.reference import reference
from tests.reference.test_reference_recomputation import assert_agree
from tests.reliability.pipeline import table_hashes

pytestmark = pytest.mark.slow


def _staging_counts(warehouse) -> dict[str, int]:
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        return {
            name: connection.execute(f"select count(*) from staging.{name}").fetchone()[0]
            for (name,) in connection.execute(
                "select table_name from information_schema.tables where table_schema = 'staging' "
                "order by 1"
            ).fetchall()
        }


def _staging_tested_through(warehouse):
    """(the staging build's recorded pass, the newest raw load): equal after a pass."""
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        (recorded,) = connection.execute(
            "select validated_through from quality.contract_watermarks where relation = ?",
            [STAGING_BUILD],
        ).fetchone()
        newest = " union all ".join(
            f"select max(_loaded_at) as t from raw.{source.name}" for source in SOURCE_TABLES
        )
        (loaded,) = connection.execute(f"select max(t) from ({newest})").fetchone()
    return recorded, loaded


def _distinct_clean_keys(settings, source) -> int:
    """Keys in the source that ingestion should accept: count straight from SQLite."""
    url = settings.crm_database_url if source.system == "crm" else settings.orders_database_url
    keys = ", ".join(source.key_columns)
    engine = sa.create_engine(url)
    with engine.connect() as connection:
        count = connection.execute(
            sa.text(f"select count(*) from (select distinct {keys} from {source.name})")
        ).scalar_one()
    engine.dispose()
    return count


def _clean_twin(folder) -> reference.Sources:
    """The demo world of the `demo_sources` fixture (seed 7), generated without dirty rows."""
    settings = generate_small_world(folder, dirty_share=0.0)
    return reference.read_sources(settings.sources_dir, settings.plan_dir)


def _assert_business_numbers(store_path, sources: reference.Sources, labels: list[str]) -> None:
    """Revenue of the business, its regions and groups, and every rep, as the reference says."""
    with duckdb.connect(str(store_path), read_only=True) as store:
        (as_of,) = store.execute("select max(as_of_date) from rpt_publication").fetchone()
        totals = store.execute(
            "select p.quarter, p.node_id, p.actual_to_date from rpt_progress_weekly p "
            "where p.metric = 'revenue' and (p.node_id = 'total' or p.node_id like 'team/%') "
            "and p.node_id not like 'team/%/%/%' "
            "and p.week_start = (select max(week_start) from rpt_progress_weekly w "
            "where w.quarter = p.quarter)"
        ).fetchall()
        reps = store.execute(
            "select quarter, node_id, actual_value from rpt_team_performance where level = 'rep'"
        ).fetchall()
    quarters = [
        q
        for q in reference.quarters_between(date(2026, 4, 1), date(2026, 7, 1), as_of)
        if q.label in labels
    ]
    want_nodes, want_reps = {}, {}
    for quarter in quarters:
        for (node, metric), value in reference.node_actuals(sources, quarter).items():
            is_team = node == "total" or node.startswith("team/")
            if metric == "revenue" and is_team and node.count("/") < 3:  # reps: want_reps
                want_nodes[(quarter.label, node)] = value
        for rep, value in reference.rep_revenue(sources, quarter).items():
            want_reps[(quarter.label, rep)] = value
    got_nodes = {(q, node): Decimal(v) for q, node, v in totals if q in labels}
    got_reps: dict = {}
    for quarter, node, value in reps:
        if quarter in labels:
            key = (quarter, node.rsplit("/", 1)[-1])
            assert key not in got_reps, f"{key}: a second rep node, {node}"
            got_reps[key] = Decimal(value)
    assert {q for q, _ in want_nodes} == set(labels)
    assert want_nodes[(labels[0], "total")] > 0
    assert_agree(want_nodes, got_nodes)
    assert_agree(want_reps, got_reps)


def test_two_quarters_through_dagster_and_a_rerun_changes_nothing(tmp_path, published_demo):
    settings, first = published_demo.settings, published_demo.first_run
    assert "published/reporting_store" in first.materialized
    assert "crm/customers" in first.materialized

    counts = _staging_counts(settings.warehouse_path)
    for source in SOURCE_TABLES:
        model = f"stg_{source.system}__{source.name}"
        assert counts[model] > 0, model
        # staging holds one row per key; dirty keys are quarantined: never more than the source
        assert counts[model] <= _distinct_clean_keys(settings, source), model

    with duckdb.connect(str(settings.warehouse_path), read_only=True) as connection:
        batches = connection.execute(
            "select source_table, rows_read, rows_loaded, rows_quarantined from raw.load_batches"
        ).fetchall()
        quarantined_rules = {
            rule
            for (rule,) in connection.execute("select distinct rule from raw.quarantine").fetchall()
        }
    assert {row[0] for row in batches} == {source.name for source in SOURCE_TABLES}
    for table, read, loaded, quarantined in batches:
        assert read == loaded + quarantined, table
    assert quarantined_rules  # the generator always plants dirty rows
    clean = _clean_twin(tmp_path / "clean")
    _assert_business_numbers(settings.reporting_path, clean, ["2026Q2", "2026Q3"])

    # the rerun works on a copy: the first run's data dir is shared with other tests
    settings = published_demo.copy_into(tmp_path / "rerun")
    instance = dg.DagsterInstance.ephemeral()
    second = run_quarters(settings, date(2026, 7, 1), instance=instance)
    assert second.success, second.error
    # the plan is the one the first run loaded: its seeds were left out, said so
    quarter_totals = instance.get_latest_materialization_event(
        dg.AssetKey(["plan", "quarter_totals"])
    ).asset_materialization
    assert quarter_totals.metadata["plan"].value == "unchanged since its last load; not reloaded"
    # and each of the seeds' tests reports the pass of that load, not "no result"
    plan_checks = [
        evaluation
        for entry in instance.all_logs(
            second.run_id, of_type=dg.DagsterEventType.ASSET_CHECK_EVALUATION
        )
        if (evaluation := entry.dagster_event.event_specific_data).asset_key.path[0] == "plan"
    ]
    assert plan_checks and all(evaluation.passed for evaluation in plan_checks)
    once = {(evaluation.asset_key, evaluation.check_name) for evaluation in plan_checks}
    assert len(once) == len(plan_checks)
    # tests between a seed and a staging model ran with staging; the others were reused
    reused = [evaluation for evaluation in plan_checks if "result" in evaluation.metadata]
    assert reused and all(
        "passed at the plan's last load" in evaluation.metadata["result"].value
        for evaluation in reused
    )
    assert all(
        "relationships" in evaluation.check_name
        for evaluation in plan_checks
        if evaluation not in reused
    )
    # each dbt invocation's own target folder is removed once it succeeded
    target = settings.dbt_project_dir / "target"
    for run in (first, second):
        left = [p.name for p in target.glob(f"*-{run.run_id[:7]}-*")]
        assert left == [], left
    assert _staging_counts(settings.warehouse_path) == counts
    # each run recorded that staging's tests passed through its newest load
    for warehouse in (published_demo.settings.warehouse_path, settings.warehouse_path):
        recorded, newest = _staging_tested_through(warehouse)
        assert recorded == newest
    with duckdb.connect(str(settings.reporting_path), read_only=True) as store:
        tables = {name for (name,) in store.execute("show tables").fetchall()}
    assert "rpt_publication" in tables
    # every published row of both quarters, not just the revenue checked below
    assert table_hashes(settings.reporting_path) == table_hashes(
        published_demo.settings.reporting_path
    )
    _assert_business_numbers(settings.reporting_path, clean, ["2026Q2", "2026Q3"])


def test_a_bi_tool_reads_the_registry_types_and_unique_keys(published_demo):
    """The published store through information_schema, read-only: every column has the
    type its registry entry gives; money is DECIMAL(18,2) wherever a column holds money
    alone; only the value columns of tables that hold every metric in one column (told
    apart by `metric`: money, counts and rates) are DECIMAL(22,6); each table's key is
    unique and not null."""
    from models.registry.published import PUBLISHED_TABLES

    store_path = published_demo.settings.reporting_path
    with duckdb.connect(str(store_path), read_only=True) as store:
        columns = store.execute(
            "select table_name, column_name, data_type from information_schema.columns"
            " where table_schema = 'main' order by table_name, ordinal_position"
        ).fetchall()
        tables = {table for table, _, _ in columns}
        assert {"rpt_target_tree", "rpt_progress_weekly", "rpt_incentives"} <= tables
        for table, column, data_type in columns:
            expected = PUBLISHED_TABLES[table].column(column).data_type
            assert data_type == expected.upper(), f"{table}.{column}: {data_type}"
            if data_type.startswith("DECIMAL"):
                mixed_units = "metric" in PUBLISHED_TABLES[table].column_names
                assert data_type == ("DECIMAL(22,6)" if mixed_units else "DECIMAL(18,2)"), (
                    f"{table}.{column}"
                )
        money = [(t, c) for t, c, d in columns if d == "DECIMAL(18,2)"]
        assert ("rpt_incentives", "commission") in money and len(money) >= 8

        for table in sorted(tables):
            key = PUBLISHED_TABLES[table].key
            rows, distinct, null_keys = store.execute(
                f"select count(*), count(distinct ({', '.join(key)})),"
                f" count(*) filter (where {' or '.join(f'{k} is null' for k in key)})"
                f" from {table}"
            ).fetchone()
            assert rows == distinct and null_keys == 0, f"{table} key {key}"
        # a revenue target or actual is money: whole cents even in a mixed-unit column
        fractional = store.execute(
            "select count(*) from rpt_target_tree where metric = 'revenue'"
            " and (target_value <> round(target_value, 2)"
            " or actual_value <> round(actual_value, 2))"
        ).fetchone()[0]
        assert fractional == 0
