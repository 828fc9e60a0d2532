"""The plan defaults Python reads from dbt_project.yml's `vars:`."""

from __future__ import annotations

import pytest

from orchestration.dbt_vars import dbt_project_var, default_warning_lines


def test_defaults_are_read_from_the_project_file(tmp_path):
    (tmp_path / "dbt_project.yml").write_text(
        'vars:\n  default_amber_below: "0.75"\n  default_red_below: "0.5"\n  action_kpi_line: 0.8\n'
    )
    assert default_warning_lines(tmp_path) == (0.75, 0.5)
    assert dbt_project_var("action_kpi_line", tmp_path) == 0.8


def test_a_missing_var_names_the_file(tmp_path):
    (tmp_path / "dbt_project.yml").write_text("vars:\n  other: 1\n")
    with pytest.raises(KeyError, match="dbt_project.yml has no var 'default_amber_below'"):
        default_warning_lines(tmp_path)


def test_the_project_states_the_handbook_lines():
    assert default_warning_lines() == (0.80, 0.60)
