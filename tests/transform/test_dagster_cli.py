"""The pipeline's dbt resource learns dbt's version without starting dbt."""

from __future__ import annotations

import sys
from importlib.metadata import version
from pathlib import Path

from dagster_dbt.core import resource as upstream

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
