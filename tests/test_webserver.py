"""`make dev` as a user meets it: the Dagster webserver on loopback serves the code location.

The webserver starts on a free port with only the venv's binaries on PATH, as `make dev`
does (DAGSTER_IS_DEV_CLI set, no `dbt` on PATH), on a copy of the dbt project that was
never parsed, as in a fresh clone. The test waits for it to answer, then
asks its GraphQL API what the UI shows: the code location, the quarter job, the asset
groups, the blocking contract checks and the nightly schedule.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from orchestration.settings import Settings

pytestmark = pytest.mark.slow

STARTUP_DEADLINE_SECONDS = 300  # a bound for a broken server, not a wait for a good one
WORKSPACE_QUERY = """
{
  workspaceOrError {
    __typename
    ... on Workspace {
      locationEntries {
        name
        loadStatus
        locationOrLoadError {
          __typename
          ... on PythonError { message }
          ... on RepositoryLocation {
            repositories {
              jobs { name }
              schedules { name cronSchedule }
              assetGroups { groupName assetKeys { path } }
              assetNodes {
                assetKey { path }
                assetChecksOrError { ... on AssetChecks { checks { name blocking } } }
              }
            }
          }
        }
      }
    }
  }
}
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def graphql(port: int, query: str) -> dict:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/graphql",
        data=json.dumps({"query": query}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.loads(response.read())["data"]


def loaded_location(port: int, server: subprocess.Popen) -> dict:
    """The `sales_targets` location entry once the server has loaded it."""
    deadline = time.monotonic() + STARTUP_DEADLINE_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"the webserver exited with {server.returncode}")
        try:
            workspace = graphql(port, WORKSPACE_QUERY)["workspaceOrError"]
        except (urllib.error.URLError, ConnectionError):
            time.sleep(0.5)  # not listening yet: poll the port, the marker of readiness
            continue
        (entry,) = workspace["locationEntries"]
        if entry["loadStatus"] == "LOADED":
            return entry
        time.sleep(0.5)
    pytest.fail(f"the webserver did not load the code location in {STARTUP_DEADLINE_SECONDS}s")


@pytest.fixture(scope="module")
def location(tmp_path_factory) -> dict:
    settings = Settings.from_env()
    home = tmp_path_factory.mktemp("dagster_home")
    project = home / "dbt_project"  # no target/: the manifest must be made on load
    shutil.copytree(
        settings.dbt_project_dir, project, ignore=shutil.ignore_patterns("target", "logs")
    )
    shutil.copyfile(settings.project_root / ".dagster" / "dagster.yaml", home / "dagster.yaml")
    port = free_port()
    env = {
        "HOME": str(home),
        "PATH": "/usr/bin:/bin",
        "DAGSTER_IS_DEV_CLI": "1",
        "DAGSTER_HOME": str(home),
        "SALES_TARGETS_DATA_DIR": str(home / "data"),
        "SALES_TARGETS_DBT_PROJECT_DIR": str(project),
        "DAGSTER_DISABLE_TELEMETRY": "1",
        "DO_NOT_TRACK": "1",
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    }
    log = (home / "webserver.log").open("w")
    server = subprocess.Popen(
        [str(Path(sys.executable).with_name("dagster-webserver")), "-w", "workspace.yaml"]
        + ["-h", "127.0.0.1", "-p", str(port)],
        cwd=settings.project_root,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its code server is a child: stop them together
    )
    try:
        yield loaded_location(port, server)
        assert (project / "target" / "manifest.json").exists()
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
        log.close()


def test_the_webserver_loads_the_code_location_with_its_job_groups_checks_and_schedule(location):
    assert location["name"] == "sales_targets"
    loaded = location["locationOrLoadError"]
    assert loaded["__typename"] == "RepositoryLocation", loaded.get("message")
    (repository,) = loaded["repositories"]

    assert "quarter_job" in {job["name"] for job in repository["jobs"]}
    schedules = {schedule["name"]: schedule["cronSchedule"] for schedule in repository["schedules"]}
    assert schedules == {"nightly_current_quarter": "0 2 * * *"}

    groups = {group["groupName"]: group["assetKeys"] for group in repository["assetGroups"]}
    assert {"ingest", "plan", "staging", "intermediate", "marts", "reporting", "publish"} <= set(
        groups
    )
    assert {"path": ["reporting", "rpt_target_tree"]} in groups["reporting"]
    assert {"path": ["orders", "order_lines"]} in groups["ingest"]

    checks = {
        tuple(node["assetKey"]["path"]): {
            check["name"]: check["blocking"]
            for check in (node["assetChecksOrError"] or {}).get("checks", [])
        }
        for node in repository["assetNodes"]
    }
    assert checks[("reporting", "rpt_target_tree")]["pandera_contract"] is True
    assert checks[("marts", "fct_node_actuals")]["pandera_contract"] is True
