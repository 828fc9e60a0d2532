"""The publish asset in Dagster: a failed check upstream keeps the previous store served."""

from __future__ import annotations

import hashlib
import json
from datetime import date
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from orchestration.partitions import quarters_partitions_def
from orchestration.publish.assets import REPORTING_STORE_KEY, build_publish_asset, run_as_of_date
from orchestration.settings import Settings

pytestmark = pytest.mark.slow

UPSTREAM = dg.AssetKey(["reporting", "rpt_target_tree"])
CHECK = "target_value_not_negative"
PARTITION = "2024-10-01"  # a closed quarter: its as-of date is its last day whatever today is


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def quarter_job(settings: Settings, check: str | None) -> dg.JobDefinition:
    """A tiny graph shaped like the real one: a partitioned reporting model, then the
    unpartitioned publish asset, in one partitioned in-process job.

    check: "blocking" - a separate blocking asset check (how pandera contracts gate);
    "in_step" - a non-blocking check reported by the model's own step (how dagster-dbt
    reports dbt tests); None - no check at all.
    """
    quarters = quarters_partitions_def("2024-10-01")

    def negative_targets() -> dg.AssetCheckResult:
        with duckdb.connect(str(settings.warehouse_path), read_only=True) as warehouse:
            (bad,) = warehouse.execute(
                "select count(*) from reporting.rpt_target_tree where target_value < 0"
            ).fetchone()
        return dg.AssetCheckResult(
            asset_key=UPSTREAM, check_name=CHECK, passed=bad == 0, metadata={"failing_rows": bad}
        )

    specs = [dg.AssetCheckSpec(CHECK, asset=UPSTREAM)] if check == "in_step" else []

    @dg.asset(key=UPSTREAM, partitions_def=quarters, check_specs=specs)
    def rpt_target_tree() -> dg.MaterializeResult:
        """The test writes the warehouse table itself; this asset stands for the dbt model."""
        return dg.MaterializeResult(check_results=[negative_targets()] if specs else [])

    @dg.asset_check(asset=UPSTREAM, name=CHECK, blocking=True)
    def target_value_not_negative() -> dg.AssetCheckResult:
        return negative_targets()

    defs = dg.Definitions(
        assets=[rpt_target_tree, build_publish_asset([UPSTREAM])],
        asset_checks=[target_value_not_negative] if check == "blocking" else [],
        jobs=[
            dg.define_asset_job(
                "quarter_job",
                selection=dg.AssetSelection.all(),
                partitions_def=quarters,
                executor_def=dg.in_process_executor,
            )
        ],
        resources={"settings": settings},
    )
    return defs.resolve_job_def("quarter_job")


def run(job: dg.JobDefinition, instance: dg.DagsterInstance) -> dg.ExecuteInProcessResult:
    return job.execute_in_process(instance=instance, partition_key=PARTITION, raise_on_error=False)


def materialized(result: dg.ExecuteInProcessResult) -> set[dg.AssetKey]:
    return {event.asset_key for event in result.get_asset_materialization_events()}


def failure_message(result: dg.ExecuteInProcessResult) -> str:
    failures = [e for e in result.all_events if e.is_step_failure]
    assert len(failures) == 1
    return failures[0].step_failure_data.user_failure_data.description


def make_bad(settings: Settings) -> None:
    """A bad mart row: a negative target."""
    with duckdb.connect(str(settings.warehouse_path)) as warehouse:
        warehouse.execute(
            "update reporting.rpt_target_tree set target_value = -5 "
            "where quarter = '2026Q3' and node_id = 'total'"
        )


@pytest.fixture
def instance():
    with dg.instance_for_test() as test_instance:
        yield test_instance


def test_passing_checks_publish_and_are_recorded(settings, warehouse, instance):
    counts = warehouse(version=1)

    result = run(quarter_job(settings, "blocking"), instance)

    assert result.success
    assert REPORTING_STORE_KEY in materialized(result)
    with duckdb.connect(str(settings.reporting_path), read_only=True) as store:
        row = store.execute(
            "select checks_passed, checks_passed_count, as_of_date, row_counts, run_id "
            "from rpt_publication"
        ).fetchone()
    assert json.loads(row[0]) == [f"reporting/rpt_target_tree:{CHECK}"]
    assert row[1] == 1
    assert row[2] == date(2024, 12, 31)
    assert json.loads(row[3]) == counts
    assert row[4] == result.run_id
    assert (settings.docs_dir / "gx" / "index.html").exists()


def test_a_failed_blocking_check_skips_the_publish_and_keeps_the_store(
    settings, warehouse, instance
):
    warehouse(version=1)
    assert run(quarter_job(settings, "blocking"), instance).success
    before = digest(settings.reporting_path)
    warehouse(version=2)
    make_bad(settings)

    result = run(quarter_job(settings, "blocking"), instance)

    evaluations = result.get_asset_check_evaluations()
    assert [(e.check_name, e.passed) for e in evaluations] == [(CHECK, False)]
    assert REPORTING_STORE_KEY not in materialized(result)
    publish_steps = [e for e in result.all_events if e.step_key and "reporting_store" in e.step_key]
    assert not any(e.is_step_start for e in publish_steps)  # Dagster never started it
    assert digest(settings.reporting_path) == before


def test_a_failed_non_blocking_check_is_stopped_by_the_gate(settings, warehouse, instance):
    warehouse(version=1)
    assert run(quarter_job(settings, "in_step"), instance).success
    before = digest(settings.reporting_path)
    warehouse(version=2)
    make_bad(settings)

    result = run(quarter_job(settings, "in_step"), instance)

    assert not result.success
    assert REPORTING_STORE_KEY not in materialized(result)
    message = failure_message(result)
    assert f"1 check(s) failed upstream (reporting/rpt_target_tree:{CHECK})" in message
    assert digest(settings.reporting_path) == before
    assert list(settings.data_dir.glob(".reporting.duckdb.*.tmp*")) == []


def test_without_any_check_great_expectations_still_stops_a_bad_store(
    settings, warehouse, instance
):
    warehouse(version=1)
    assert run(quarter_job(settings, None), instance).success
    before = digest(settings.reporting_path)
    warehouse(version=2)
    make_bad(settings)

    result = run(quarter_job(settings, None), instance)

    assert not result.success
    message = failure_message(result)
    assert "fails its expectations" in message
    assert "rpt_target_tree.target_value fails expect_column_values_to_be_between" in message
    assert digest(settings.reporting_path) == before
    assert list(settings.data_dir.glob(".reporting.duckdb.*.tmp*")) == []
    docs = (settings.docs_dir / "gx" / "index.html").read_text()
    assert "rpt_target_tree" in docs  # the failed validation is in the Data Docs


def test_run_as_of_date_follows_the_partition_window():
    today = date(2026, 8, 15)
    assert run_as_of_date({"dagster/partition": "2026-07-01"}, today) == date(2026, 8, 14)
    assert run_as_of_date({"dagster/partition": "2026-04-01"}, today) == date(2026, 6, 30)
    assert run_as_of_date(
        {
            "dagster/asset_partition_range_start": "2025-10-01",
            "dagster/asset_partition_range_end": "2026-04-01",
        },
        today,
    ) == date(2026, 6, 30)
    assert run_as_of_date({"sales_targets/as_of_date": "2026-08-01"}, today) == date(2026, 8, 1)
    assert run_as_of_date({}, today) is None
