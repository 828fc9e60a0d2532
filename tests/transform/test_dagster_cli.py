"""The pipeline's dbt resource: dbt's version learnt without starting dbt, and where dbt runs."""

from __future__ import annotations

import sys
from importlib.metadata import version
from pathlib import Path

import pytest
from dagster_dbt.core import resource as upstream

from orchestration.definitions import build_definitions
from orchestration.settings import Settings
from orchestration.transform.dagster_cli import ExplicitEnvDbtCliResource

PROJECT_DIR = Path(__file__).resolve().parents[2] / "dbt_project"


def refuse_subprocess(*args, **kwargs):
    raise AssertionError(f"a subprocess was started: {args}")


def test_the_version_of_the_dbt_installed_here_is_read_without_a_subprocess(monkeypatch):
    monkeypatch.setattr(upstream, "check_output", refuse_subprocess)
    dbt = ExplicitEnvDbtCliResource(
        project_dir=str(PROJECT_DIR), dbt_executable=str(Path(sys.executable).with_name("dbt"))
    )

    assert str(dbt._cli_version) == version("dbt-core")


def test_another_dbt_executable_is_asked_for_its_version(tmp_path):
    other = tmp_path / "dbt"
    other.write_text("#!/bin/sh\n[ \"$1\" = --version ] && echo 'Core: installed: 1.10.4'\n")
    other.chmod(0o755)
    dbt = ExplicitEnvDbtCliResource(project_dir=str(PROJECT_DIR), dbt_executable=str(other))

    assert str(dbt._cli_version) == "1.10.4"


@pytest.mark.parametrize(
    ("variables", "in_process"),
    [
        ({}, True),  # the default
        ({"SALES_TARGETS_DBT_IN_PROCESS": "false"}, False),
        ({"SALES_TARGETS_DBT_IN_PROCESS": "0"}, False),
        # dbt-spark's session would start Spark inside the pipeline's process
        ({"SALES_TARGETS_ENGINE": "spark"}, False),
    ],
)
def test_dbt_runs_in_process_unless_told_or_on_spark(monkeypatch, variables, in_process):
    monkeypatch.delenv("SALES_TARGETS_DBT_IN_PROCESS", raising=False)
    monkeypatch.delenv("SALES_TARGETS_ENGINE", raising=False)
    for name, value in variables.items():
        monkeypatch.setenv(name, value)
    dbt = build_definitions(Settings.from_env()).resources["dbt"]

    assert dbt.runs_in_process is in_process


def test_a_switch_that_is_not_true_or_false_is_refused(monkeypatch):
    monkeypatch.setenv("SALES_TARGETS_DBT_IN_PROCESS", "sometimes")
    with pytest.raises(ValueError, match="SALES_TARGETS_DBT_IN_PROCESS='sometimes'"):
        Settings.from_env()


def test_another_dbt_executable_never_runs_in_process(tmp_path):
    other = tmp_path / "dbt"
    other.write_text("#!/bin/sh\n")
    other.chmod(0o755)
    dbt = ExplicitEnvDbtCliResource(
        project_dir=str(PROJECT_DIR), dbt_executable=str(other), in_process=True
    )
    assert not dbt.runs_in_process
