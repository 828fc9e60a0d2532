"""The Dagster code location: loads, validates, and its asset graph changes only on purpose."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import dagster as dg
import pytest

from orchestration.definitions import QUARTER_JOB, build_definitions
from orchestration.settings import Settings
from orchestration.transform.project import ensure_manifest

SNAPSHOT = Path(__file__).parent / "snapshots" / "asset_keys.txt"


@pytest.fixture(scope="module")
def defs() -> dg.Definitions:
    settings = Settings.from_env()
    ensure_manifest(settings)
    return build_definitions(settings)


def test_definitions_validate(defs):
    dg.Definitions.validate_loadable(defs)
    job = defs.resolve_job_def(QUARTER_JOB)
    assert job.executor_def.name == "in_process"
    assert job.tags["sales_targets/warehouse"] == "writer"


def test_asset_graph_matches_the_snapshot(defs):
    """Regenerate with UPDATE_SNAPSHOTS=1 when a change to the graph is intended."""
    graph = defs.resolve_asset_graph()
    lines = sorted(
        f"{graph.get(key).group_name}\t{key.to_user_string()}" for key in graph.get_all_asset_keys()
    )
    text = "\n".join(lines) + "\n"
    if os.environ.get("UPDATE_SNAPSHOTS"):
        SNAPSHOT.write_text(text)
    assert text == SNAPSHOT.read_text()


def test_every_dbt_test_is_an_asset_check(defs):
    graph = defs.resolve_asset_graph()
    check_keys = list(graph.asset_check_keys)
    assert len(check_keys) > 50
    assert any(key.name.startswith("unique_stg_orders__orders") for key in check_keys)


def test_nightly_schedule_requests_the_running_quarter(defs):
    schedule = defs.resolve_schedule_def("nightly_current_quarter")
    assert schedule.cron_schedule == "0 2 * * *"
    context = dg.build_schedule_context(
        scheduled_execution_time=datetime(2026, 11, 26, 2, 0),
        repository_def=defs.get_repository_def(),
    )
    request = schedule.evaluate_tick(context).run_requests[0]
    assert request.partition_key == "2026-10-01"
    assert request.run_key == "nightly-2026-11-26"


def test_warehouse_access_is_serialised_without_op_pools(defs):
    """No step asks for a concurrency pool: the run queue (one run with the warehouse tag at
    a time), the in-process executor (one step at a time) and the warehouse file lock keep
    writers apart. A pool slot held by a killed run would block every later run."""
    import yaml

    job = defs.resolve_job_def(QUARTER_JOB)
    pools = {op_def.name: op_def.pool for op_def in job.graph.iterate_op_defs() if op_def.pool}
    assert pools == {}
    instance = yaml.safe_load((Path(__file__).parents[1] / ".dagster" / "dagster.yaml").read_text())
    assert instance["concurrency"]["runs"]["tag_concurrency_limits"] == [
        {"key": "sales_targets/warehouse", "limit": 1}
    ]
    assert "pools" not in instance["concurrency"]


def test_dagster_dev_loads_the_code_location_without_dbt_on_path(tmp_path):
    """`make dev` runs `dagster dev` with only the venv's binaries: its code location loads
    without a `dbt` on PATH (dagster-dbt's own prepare step would look for one there)."""
    settings = Settings.from_env()
    env = {
        "HOME": str(tmp_path),
        "PATH": "/usr/bin:/bin",
        "DAGSTER_IS_DEV_CLI": "1",
        "DAGSTER_HOME": str(tmp_path),
        "SALES_TARGETS_DATA_DIR": str(tmp_path / "data"),
        "DO_NOT_TRACK": "1",
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    }
    result = subprocess.run(
        [str(Path(sys.executable).with_name("dagster")), "definitions", "validate"]
        + ["-w", "workspace.yaml"],
        cwd=settings.project_root,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-3000:]
    assert "All code locations passed validation" in output
