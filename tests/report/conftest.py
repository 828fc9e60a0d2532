"""Fixtures of the report tests: a hand-written store and a pipeline-published one
(Chromium comes from tests/conftest.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from orchestration.settings import Settings
from tests.conftest import settings_in
from tests.report.report_store import write_store


@pytest.fixture
def fixture_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """Settings whose published store is the handbook fixture; no screenshots (fast tests)."""
    monkeypatch.setenv("CHROMIUM_PATH", str(tmp_path / "no-chromium-here"))
    settings = settings_in(tmp_path / "data")
    write_store(settings.reporting_path)
    return settings


@pytest.fixture(scope="session")
def pipeline_settings(tmp_path_factory: pytest.TempPathFactory, published_demo) -> Settings:
    """A store published by the real pipeline: 2026Q2..2026Q3 of the small demo world (a
    copy of the shared run's data dir: the test renders the report into it)."""
    return published_demo.copy_into(tmp_path_factory.mktemp("report_pipeline") / "data")
