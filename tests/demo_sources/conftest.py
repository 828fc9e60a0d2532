"""A small generated demo world shared by the demo-source tests."""

from __future__ import annotations

import pytest

from tests.demo_sources.demo_world import World, generate_world


@pytest.fixture(scope="session")
def small_world(tmp_path_factory: pytest.TempPathFactory) -> World:
    """The default demo world at 300 orders a quarter, seed 7, reference date 2026-11-26."""
    return generate_world(tmp_path_factory.mktemp("small_world"))
