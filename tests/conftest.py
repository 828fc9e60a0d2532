"""Shared fixtures: a small generated demo world, and settings pointed at a temporary folder."""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

import pytest

from orchestration.settings import Settings, sqlite_url

# Tests never phone home and never touch the developer's DAGSTER_HOME or data/.
os.environ.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")
os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")

REFERENCE_DATE = date(2026, 11, 26)
SMALL_ORDERS_PER_QUARTER = 300
# Tests that check published numbers only leave these out of their runs; the end-to-end and
# reliability runs, and tests/quality and tests/report, cover them.
DOCS_AND_REPORT = ("published/dbt_docs", "published/quarterly_report")


def settings_in(folder: Path) -> Settings:
    """Project settings with every data path (sources, warehouse, store) under `folder`."""
    return Settings.from_env().with_data_dir(folder)


def generate_small_world(folder: Path, seed: int = 7, **options) -> Settings:
    """Generate the small demo CRM + order system under `folder`; return its settings.
    `options` go to generate_sources (e.g. dirty_share=0.0 for the clean world)."""
    from orchestration.demo_sources.generate import generate_sources

    settings = settings_in(folder)
    generate_sources(
        settings.crm_database_url,
        settings.orders_database_url,
        reference_date=REFERENCE_DATE,
        seed=seed,
        orders_per_quarter=SMALL_ORDERS_PER_QUARTER,
        **options,
    )
    return settings


@pytest.fixture(scope="session")
def demo_sources(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small demo CRM + order system, generated once per test session (read-only for tests)."""
    return generate_small_world(tmp_path_factory.mktemp("demo_sources")).sources_dir


@dataclass(frozen=True)
class PublishedDemo:
    """The small demo world after one Dagster run of 2026Q2..2026Q3 with every asset
    materialized. Tests never change it: each takes a copy of its data dir."""

    settings: Settings
    first_run: object  # orchestration.runner.RunOutcome

    def copy_into(self, folder: Path, sources_dir: Path | None = None) -> Settings:
        """The data dir (warehouse, store, Parquet link and versions, docs) copied to
        `folder`, reading `sources_dir` (default: the session's read-only demo sources)."""
        shutil.copytree(self.settings.data_dir, folder, symlinks=True)
        copied = settings_in(folder)
        if sources_dir is None:
            return replace(
                copied,
                crm_database_url=self.settings.crm_database_url,
                orders_database_url=self.settings.orders_database_url,
            )
        return replace(
            copied,
            crm_database_url=sqlite_url(sources_dir / "crm.sqlite"),
            orders_database_url=sqlite_url(sources_dir / "orders.sqlite"),
        )


@pytest.fixture(scope="session")
def published_demo(tmp_path_factory: pytest.TempPathFactory, demo_sources: Path) -> PublishedDemo:
    """One run of two quarters shared by the end-to-end, as-of and browser tests (one xdist
    work unit, tests/work_units.py): each of them used to run the same quarters itself."""
    import dagster as dg

    from orchestration.runner import run_quarters

    settings = replace(
        settings_in(tmp_path_factory.mktemp("published_demo")),
        crm_database_url=sqlite_url(demo_sources / "crm.sqlite"),
        orders_database_url=sqlite_url(demo_sources / "orders.sqlite"),
    )
    first = run_quarters(
        settings, date(2026, 4, 1), date(2026, 7, 1), instance=dg.DagsterInstance.ephemeral()
    )
    assert first.success, first.error
    return PublishedDemo(settings, first)


def _install_chromium() -> str | None:
    """Debian's chromium via apt, when running as root (CI and the dev machines are)."""
    from orchestration.report.browser import find_chromium

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
    """Headless Chromium for the browser tests (installed with apt when missing)."""
    from orchestration.report.browser import find_chromium

    binary = find_chromium() or _install_chromium()
    if binary is None:
        pytest.skip(
            "headless Chromium is not installed and could not be installed "
            "(needs root and apt-get: `apt-get install chromium`)"
        )
    return binary


@pytest.hookimpl(trylast=True)  # after pytest has grouped tests by their fixtures
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Longest work units first (tests/work_units.py); xdist hands them out in this order."""
    from tests.work_units import longest_first

    items[:] = [items[i] for i in longest_first([item.nodeid for item in items])]


def pytest_xdist_make_scheduler(config, log):
    """Keep tests that share expensive fixtures on one xdist worker (`make test` runs two),
    and hand out the units in collection order (longest first), not by test count."""
    from xdist.scheduler import LoadScopeScheduling

    from tests.work_units import work_unit

    class SharedFixtureScheduling(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return work_unit(nodeid)

    config.option.loadscopereorder = False
    return SharedFixtureScheduling(config, log)
