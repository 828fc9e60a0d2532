"""Fixtures of the report tests: a hand-written store, a pipeline-published one, Chromium."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from orchestration.report.browser import find_chromium
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


def _install_chromium() -> str | None:
    """Debian's chromium via apt, when running as root (CI and the dev machines are)."""
    if os.geteuid() != 0 or shutil.which("apt-get") is None:
        return None
    environment = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for command in (
        ["apt-get", "update", "-q"],
        ["apt-get", "install", "-y", "-q", "--no-install-recommends", "chromium",
         "fonts-dejavu-core"],
    ):  # fmt: skip
        try:
            subprocess.run(command, env=environment, capture_output=True, timeout=900, check=True)
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired):
            return None
    return find_chromium()


@pytest.fixture(scope="session")
def chromium() -> str:
    binary = find_chromium() or _install_chromium()
    if binary is None:
        pytest.skip(
            "headless Chromium is not installed and could not be installed "
            "(needs root and apt-get: `apt-get install chromium`)"
        )
    return binary
