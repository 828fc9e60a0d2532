"""The one dbt invocation helper: command, vars and environment, without running dbt."""

import os
from datetime import date
from pathlib import Path

import pytest

from orchestration.partitions import window_for_partitions
from orchestration.settings import Settings
from orchestration.transform.dbt_invocation import (
    DbtCommandError,
    DbtInvocation,
    DbtResult,
    project_env,
)
from orchestration.transform.project import pipeline_invocation


def test_the_command_names_project_target_logs_and_vars(tmp_path):
    invocation = DbtInvocation(
        ("build", "--select", "staging"),
        Path("/project"),
        dbt_vars={"quarter_start": "2026-07-01", "as_of_date": "2026-09-30"},
        work_dir=tmp_path,
    )
    command = invocation.command()
    assert Path(command[0]).name == "dbt"
    assert command[1:] == [
        "build", "--select", "staging",
        "--project-dir", "/project", "--profiles-dir", "/project",
        "--target-path", str(tmp_path / "target"), "--log-path", str(tmp_path / "logs"),
        "--vars", '{"as_of_date": "2026-09-30", "quarter_start": "2026-07-01"}',
    ]  # fmt: skip
    # without a work folder dbt writes the project's own target/ (where the manifest lives)
    assert DbtInvocation(("parse",), Path("/project")).command()[1:] == [
        "parse", "--project-dir", "/project", "--profiles-dir", "/project",
    ]  # fmt: skip


def test_the_pipeline_environment_is_built_without_touching_os_environ(tmp_path):
    settings = Settings(fiscal_year_start_month=4).with_data_dir(tmp_path)
    window = window_for_partitions(
        date(2026, 7, 1), date(2026, 10, 1), today=date(2026, 11, 26), fiscal_year_start_month=4
    )
    before = dict(os.environ)
    invocation = pipeline_invocation(settings, ["build"], window)
    environment = invocation.environment(base={"PATH": "/bin"})
    assert dict(os.environ) == before
    assert environment == {
        "PATH": "/bin",
        "WAREHOUSE_PATH": str(settings.warehouse_path),
        "SALES_TARGETS_PLAN_DIR": str(tmp_path / "plan_snapshot"),
        "SALES_TARGETS_FISCAL_YEAR_START_MONTH": "4",
        "SALES_TARGETS_QUARTER_START": "2026-07-01",
        "SALES_TARGETS_QUARTER_END": "2026-09-30",
        "SALES_TARGETS_AS_OF_DATE": "2026-09-30",
        "SALES_TARGETS_RESTATED_THROUGH": "",
        "SALES_TARGETS_WAREHOUSE_MEMORY_LIMIT": settings.warehouse_memory_limit,
        "DBT_INDIRECT_SELECTION": "cautious",
        "SALES_TARGETS_UNMAPPED_TABLES": "",  # the demo mapping maps every table
        # staging's tests read every row unless the pipeline's staging build says otherwise
        "SALES_TARGETS_STAGING_TESTED_THROUGH": "",
        "SALES_TARGETS_ENGINE": "duckdb",
        "SALES_TARGETS_SPARK_DIR": str(tmp_path / "spark"),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        "DO_NOT_TRACK": "1",
    }
    assert "--vars" not in invocation.command()  # a new window must not re-parse everything
    # a scratch build (plan show, plan init) never follows a shell's SALES_TARGETS_ENGINE
    assert project_env(tmp_path / "scratch.duckdb")["SALES_TARGETS_ENGINE"] == "duckdb"


def test_a_failed_run_names_the_failing_model_and_dbts_message():
    run_results = {
        "results": [
            {"unique_id": "model.sales_targets.stg_orders", "status": "success", "message": "OK"},
            {
                "unique_id": "model.sales_targets.fct_orders",
                "status": "error",
                "message": "Runtime Error in model fct_orders\n  Binder Error: column x not found",
            },
            {"unique_id": "test.sales_targets.unique_fct_orders_id", "status": "skipped"},
        ]
    }
    result = DbtResult(["dbt", "build", "--select", "marts"], 1, "...", run_results)
    with pytest.raises(DbtCommandError) as raised:
        result.raise_for_failure("quarter 2026Q3")
    assert str(raised.value) == (
        "`dbt build` failed for quarter 2026Q3 (exit 1):\n"
        "  model.sales_targets.fct_orders (error): "
        "Runtime Error in model fct_orders Binder Error: column x not found"
    )
    assert [failure.node for failure in raised.value.failures] == ["model.sales_targets.fct_orders"]


def test_without_run_results_the_failing_part_of_the_output_is_kept():
    output = "\n".join(["Running with dbt", "noise"] * 30 + ["Completed with 1 error", "boom"])
    result = DbtResult(["dbt", "parse"], 2, output, None)
    with pytest.raises(
        DbtCommandError, match=r"(?s)`dbt parse` failed .*Completed with 1 error\nboom$"
    ):
        result.raise_for_failure("/project")


@pytest.mark.slow
def test_a_real_dbt_subprocess_gets_the_explicit_environment(tmp_path):
    """`dbt debug` connects to the warehouse its profile names: the one in the env given."""
    settings = Settings.from_env()
    warehouse = tmp_path / "explicit.duckdb"
    result = DbtInvocation(
        ("debug",), settings.dbt_project_dir, project_env(warehouse_path=warehouse)
    ).run(timeout_seconds=300)
    assert result.success, result.output
    assert str(warehouse) in result.output
    assert warehouse.exists()
    assert os.environ.get("WAREHOUSE_PATH") != str(warehouse)


def test_a_failed_pipeline_build_fails_the_step_naming_the_model(tmp_path):
    import json

    import dagster as dg
    from dagster_dbt.errors import DagsterDbtCliRuntimeError

    from orchestration.transform.assets import stream_and_tidy

    results = {
        "results": [
            {
                "unique_id": "model.sales_targets.fct_orders",
                "status": "error",
                "message": "Binder Error: column x not found",
            }
        ]
    }
    (tmp_path / "run_results.json").write_text(json.dumps(results))

    class FailedInvocation:
        target_path = tmp_path

        def stream(self):
            yield "an event"
            raise DagsterDbtCliRuntimeError(description="The dbt CLI process failed")

        def get_artifact(self, name):
            return json.loads((tmp_path / name).read_text())

    events = []
    with pytest.raises(dg.Failure) as raised:
        events.extend(stream_and_tidy(FailedInvocation()))
    assert events == ["an event"]
    assert raised.value.description == (
        "dbt failed: model.sales_targets.fct_orders (error): Binder Error: column x not found"
        f" (run results: {tmp_path / 'run_results.json'})"
    )
    assert (tmp_path / "run_results.json").exists()  # kept for inspection


@pytest.mark.slow
def test_a_data_dirs_saved_parse_spares_its_next_invocations_a_parse_whatever_their_window(
    tmp_path,
):
    """The invocations of two nights, as the pipeline makes them: the staging build (no
    window), then the quarter build as of that night. Only the very first parses the
    project; a new window must not make dbt re-parse a file that reads it."""
    import json

    from orchestration.transform.project import parse_state_path, snapshot_plan

    settings = Settings.from_env().with_data_dir(tmp_path / "data")
    snapshot_plan(settings)
    quarter = (date(2026, 10, 1), date(2027, 1, 1))
    nights = [
        None,
        window_for_partitions(*quarter, today=date(2026, 11, 25)),
        None,
        window_for_partitions(*quarter, today=date(2026, 11, 26)),
    ]
    parsed_paths = []
    for number, window in enumerate(nights):
        work_dir = tmp_path / f"invocation-{number}"
        work_dir.mkdir()
        invocation = pipeline_invocation(settings, ["parse"], window, work_dir=work_dir)
        invocation.run().raise_for_failure(f"parse {number}")
        perf = json.loads((invocation.target_path / "perf_info.json").read_text())
        parsed_paths.append((perf["path_count"], perf["parsed_path_count"]))
        assert parse_state_path(settings).exists()
    files, parsed = zip(*parsed_paths, strict=True)
    assert len(set(files)) == 1 and parsed[0] == files[0]  # no saved parse: every file parsed
    assert parsed[1:] == (0, 0, 0)  # every later one came whole from the saved parse
