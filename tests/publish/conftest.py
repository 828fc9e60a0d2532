"""Fixtures of the publish tests: settings under tmp_path and a writable warehouse."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from orchestration.settings import Settings
from tests.publish.reporting_warehouse import write_warehouse


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings().with_data_dir(tmp_path / "data")


@pytest.fixture
def warehouse(settings: Settings) -> Callable[..., dict[str, int]]:
    """Call to (re)write the warehouse: `warehouse(version=2)`."""

    def write(version: int = 1, weeks: int = 4, nodes: int | None = None) -> dict[str, int]:
        return write_warehouse(settings, version=version, weeks=weeks, nodes=nodes)

    return write
