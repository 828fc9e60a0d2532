"""dbt run by its programmatic runner in this process, shaped like the subprocess dagster-dbt
reads: real dbt invocations on a real warehouse file."""

from __future__ import annotations

import json
import os
from pathlib import Path

from orchestration.settings import Settings
from orchestration.transform.dbt_invocation import dbt_executable
from orchestration.transform.in_process_dbt import InProcessDbt, dbt_options
from orchestration.transform.project import dbt_env, snapshot_plan
from orchestration.warehouse import open_read_only


def invocation_env(settings: Settings, target: Path) -> dict[str, str]:
    """What `ExplicitEnvDbtCliResource.cli_with_env` hands dbt (the DBT_* options included)."""
    return {
        **os.environ,
        **dbt_env(settings),
        "DBT_TARGET_PATH": str(target),
        "DBT_LOG_PATH": str(target),
        "DBT_PROJECT_DIR": str(settings.dbt_project_dir),
        "DBT_PROFILES_DIR": str(settings.dbt_project_dir),
    }


def events_of(dbt: InProcessDbt) -> list[dict]:
    with dbt.stdout as lines:
        return [json.loads(line) for line in lines]


def test_the_options_dagster_dbt_sets_as_variables_become_dbts_options():
    env = {"DBT_TARGET_PATH": "/t", "DBT_INDIRECT_SELECTION": "cautious", "PATH": "/bin"}
    assert dbt_options(env) == [
        "--target-path", "/t", "--indirect-selection", "cautious",
        "--no-send-anonymous-usage-stats", "--log-level", "none",
    ]  # fmt: skip


def test_a_seed_loads_into_the_explicit_warehouse_and_the_file_is_free_after(tmp_path):
    settings = Settings().with_data_dir(tmp_path / "data")
    snapshot_plan(settings)
    before = dict(os.environ)
    dbt = InProcessDbt(
        [dbt_executable(), "seed", "--select", "holidays"],
        invocation_env(settings, tmp_path / "target"),
    )
    events = events_of(dbt)

    assert dbt.wait() == 0
    assert dict(os.environ) == before  # the warehouse path reached dbt, not the process
    results = [e for e in events if e["info"]["name"] == "LogSeedResult"]
    assert [e["data"]["node_info"]["unique_id"] for e in results] == ["seed.sales_targets.holidays"]
    assert all(e["info"]["level"] != "debug" for e in events)
    # dbt-duckdb's read-write handle is closed: this process opens the file read-only
    with open_read_only(settings.warehouse_path, settings.warehouse_memory_limit) as warehouse:
        [(rows,)] = warehouse.execute("select count(*) from plan.holidays").fetchall()
    with (settings.plan_dir / "holidays.csv").open() as plan:
        assert rows == sum(1 for _ in plan) - 1  # the header


def test_a_failing_invocation_exits_non_zero_with_dbts_error(tmp_path):
    settings = Settings().with_data_dir(tmp_path / "data")
    snapshot_plan(settings)
    dbt = InProcessDbt(
        [dbt_executable(), "seed", "--select", "holidays", "--no-such-option"],
        invocation_env(settings, tmp_path / "target"),
    )
    events = events_of(dbt)

    assert dbt.wait() not in (0, None)
    errors = [e["info"]["msg"] for e in events if e["info"]["level"] == "error"]
    assert any("no-such-option" in message for message in errors), errors
    assert not settings.warehouse_path.exists()


def test_a_failing_model_exits_non_zero_naming_it_and_frees_the_warehouse(tmp_path):
    """A model over raw tables that were never loaded: dbt's own error, exit code 1 (run
    results written), and the warehouse is free for this process afterwards."""
    settings = Settings().with_data_dir(tmp_path / "data")
    snapshot_plan(settings)
    target = tmp_path / "target"
    dbt = InProcessDbt(
        [dbt_executable(), "run", "--select", "stg_crm__regions"], invocation_env(settings, target)
    )
    events = events_of(dbt)

    assert dbt.wait() == 1
    errors = [e for e in events if e["info"]["level"] == "error"]
    assert any("stg_crm__regions" in e["info"]["msg"] for e in errors), errors
    results = json.loads((target / "run_results.json").read_text())["results"]
    statuses = {r["unique_id"]: r["status"] for r in results}
    assert statuses["model.sales_targets.stg_crm__regions"] == "error"
    with open_read_only(settings.warehouse_path, settings.warehouse_memory_limit) as warehouse:
        assert warehouse.execute("select 1").fetchall() == [(1,)]
