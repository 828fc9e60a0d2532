"""The in-process runner refuses an asset it cannot leave out before it runs anything."""

from __future__ import annotations

from datetime import date

import pytest

from orchestration.runner import run_quarters
from tests.conftest import settings_in


def test_leaving_out_an_unknown_asset_names_it_and_runs_nothing(tmp_path):
    settings = settings_in(tmp_path)
    with pytest.raises(ValueError, match="no asset named published/docs to leave out"):
        run_quarters(settings, date(2026, 7, 1), leave_out=["published/dbt_docs", "published/docs"])
    assert not settings.warehouse_path.exists()
    assert not settings.reporting_path.exists()
