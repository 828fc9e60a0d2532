"""dbt unit tests run here, in CI, not in every pipeline build.

The pipeline's builds exclude `unit_test` (they test SQL logic on fixed inputs, which no
night's data can change; dbt's own advice is to run them in development and CI). This
test runs every one of them against the real project: the parents are built `--empty`
first, because a unit test reads its inputs' columns from the warehouse.
"""

from __future__ import annotations

import duckdb
import pytest
import yaml

from orchestration.ingest.source_tables import SOURCE_TABLES
from orchestration.ingest.warehouse_tables import ensure_ingest_tables
from orchestration.plan.dbt_build import copy_plan
from orchestration.settings import Settings
from tests.dbt.test_staging import run_dbt

pytestmark = pytest.mark.slow


def declared_unit_tests(settings: Settings) -> set[str]:
    names = set()
    for path in (settings.dbt_project_dir / "models").rglob("*.yml"):
        for unit_test in (yaml.safe_load(path.read_text()) or {}).get("unit_tests", []):
            names.add(unit_test["name"])
    return names


def test_every_dbt_unit_test_runs_and_passes(tmp_path, monkeypatch):
    settings = Settings.from_env().with_data_dir(tmp_path / "data")
    settings.warehouse_path.parent.mkdir(parents=True)
    with duckdb.connect(str(settings.warehouse_path)) as connection:
        for source in SOURCE_TABLES:
            ensure_ingest_tables(connection, source)
    monkeypatch.setenv(
        "SALES_TARGETS_PLAN_DIR", str(copy_plan(settings.plan_dir, tmp_path / "plan"))
    )
    common = dict(
        project_dir=settings.dbt_project_dir, warehouse=settings.warehouse_path, work_dir=tmp_path
    )

    parents = run_dbt(
        ["build", "--empty", "--exclude-resource-type", "test", "unit_test"], **common
    )
    assert parents.returncode == 0, parents.output
    run = run_dbt(["test", "--select", "test_type:unit"], **common)

    assert run.returncode == 0, run.output
    ran = {  # the unit tests' results (the on-run-start hook reports too)
        unique_id.split(".")[-1]: status
        for unique_id, status in run.statuses.items()
        if unique_id.startswith("unit_test.")
    }
    expected = declared_unit_tests(settings)
    assert len(expected) >= 5
    assert ran == dict.fromkeys(expected, "pass")
