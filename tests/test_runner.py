"""The in-process runner refuses an asset it cannot leave out before it runs anything."""

from __future__ import annotations

import shutil
from dataclasses import replace
from datetime import date

import dagster as dg
import pytest

from orchestration.runner import run_quarters
from tests.conftest import DOCS_AND_REPORT, generate_small_world, settings_in


def test_leaving_out_an_unknown_asset_names_it_and_runs_nothing(tmp_path):
    settings = settings_in(tmp_path)
    with pytest.raises(ValueError, match="no asset named published/docs to leave out"):
        run_quarters(settings, date(2026, 7, 1), leave_out=["published/dbt_docs", "published/docs"])
    assert not settings.warehouse_path.exists()
    assert not settings.reporting_path.exists()


@pytest.mark.slow
def test_a_failed_run_names_the_root_cause_not_dagsters_wrapper(tmp_path):
    """A broken plan fails the plan step (the CLI checks it first; a schedule or the UI
    does not): the run's error is the plan's own message, per failed step."""
    settings = settings_in(tmp_path / "data")
    generate_small_world(tmp_path / "data")
    plan = tmp_path / "plan"
    shutil.copytree(settings.plan_dir, plan, ignore=shutil.ignore_patterns("examples"))
    shares = plan / "dimension_shares.csv"
    shares.write_text(
        shares.read_text().replace("customer,existing,0.60", "customer,existing,0.70")
    )

    outcome = run_quarters(
        replace(settings, plan_dir=plan),
        date(2025, 4, 1),
        date(2025, 4, 1),
        instance=dg.DagsterInstance.ephemeral(),
        leave_out=DOCS_AND_REPORT,
    )

    assert not outcome.success
    assert outcome.error.startswith("plan_and_staging: ")
    assert "customer shares from 2024Q4 (lines 2, 3) sum to 1.1, not 1" in outcome.error
    assert "DagsterExecutionStepExecutionError" not in outcome.error
    assert "Error occurred while executing" not in outcome.error
