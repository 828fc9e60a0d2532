"""The plan is seeded only when it changed since the last load that passed."""

from __future__ import annotations

import shutil
from datetime import datetime
from pathlib import Path

import duckdb
import pytest

from orchestration.settings import Settings
from orchestration.transform.plan_state import PlanLoad

SEEDS = ["plan.quarter_totals", "plan.holidays"]


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    project = tmp_path / "dbt_project"
    shutil.copytree(
        Settings().dbt_project_dir, project, ignore=shutil.ignore_patterns("target", "logs")
    )
    settings = Settings(dbt_project_dir=project).with_data_dir(tmp_path / "data")
    settings.data_dir.mkdir(parents=True)
    with duckdb.connect(str(settings.warehouse_path)) as connection:
        connection.execute("create schema plan")
        for seed in SEEDS:
            connection.execute(f"create table {seed} (quarter varchar)")
    return settings


@pytest.fixture
def snapshot(tmp_path: Path) -> Path:
    plan = tmp_path / "plan_snapshot"
    plan.mkdir()
    (plan / "quarter_totals.csv").write_text("quarter,revenue\n2026Q4,1000000\n")
    (plan / "holidays.csv").write_text("holiday_date,name\n2026-12-25,Christmas\n")
    return plan


def test_the_first_load_seeds_and_a_passed_plan_is_left_out(settings, snapshot):
    first = PlanLoad.begin(settings, snapshot, SEEDS)
    assert not first.loaded and first.arguments == [] and first.passed_at is None
    before = datetime.now()
    first.record_pass(settings)

    again = PlanLoad.begin(settings, snapshot, SEEDS)
    assert again.loaded and again.arguments == ["--exclude", "resource_type:seed"]
    assert again.fingerprint == first.fingerprint
    # the pass its left-out tests report
    assert again.passed_at is not None and before <= again.passed_at <= datetime.now()


@pytest.mark.parametrize("change", ["plan file", "seed tests", "project file", "engine"])
def test_a_changed_plan_or_what_loads_it_seeds_again(settings, snapshot, change):
    PlanLoad.begin(settings, snapshot, SEEDS).record_pass(settings)
    if change == "plan file":
        (snapshot / "quarter_totals.csv").write_text("quarter,revenue\n2026Q4,1100000\n")
    elif change == "seed tests":
        seeds_yml = next(settings.dbt_project_dir.rglob("_plan__seeds.yml"))
        seeds_yml.write_text(seeds_yml.read_text() + "\n# a test added\n")
    elif change == "project file":
        project_yml = settings.dbt_project_dir / "dbt_project.yml"
        project_yml.write_text(project_yml.read_text() + "\n# changed\n")
    else:
        settings = Settings(dbt_project_dir=settings.dbt_project_dir, engine="spark").with_data_dir(
            settings.data_dir
        )

    assert not PlanLoad.begin(settings, snapshot, SEEDS).loaded


def test_a_seed_table_gone_from_the_warehouse_seeds_again(settings, snapshot):
    PlanLoad.begin(settings, snapshot, SEEDS).record_pass(settings)
    with duckdb.connect(str(settings.warehouse_path)) as connection:
        connection.execute("drop table plan.holidays")

    assert not PlanLoad.begin(settings, snapshot, SEEDS).loaded


def test_a_model_change_outside_yaml_keeps_the_plan_loaded(settings, snapshot):
    PlanLoad.begin(settings, snapshot, SEEDS).record_pass(settings)
    model = next(settings.dbt_project_dir.rglob("int_order_lines_classified.sql"))
    model.write_text(model.read_text() + "\n-- changed\n")

    assert PlanLoad.begin(settings, snapshot, SEEDS).loaded
