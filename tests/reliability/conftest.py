"""Session fixtures of the reliability suite: one frozen world, two background runs.

The clean run (demo sources as generated) and the dirty run (the same sources with every
row-level kind of `bad_inputs.CATALOGUE` planted) start together in the background the
first time a test asks for them, so they overlap with the crash tests; tests that read
their results wait for them. Each run has its own data dir and Dagster home.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from orchestration.settings import Settings
from tests.reliability.bad_inputs import Planted, plant_all
from tests.reliability.crash_chain import CrashChain, run_crash_chain
from tests.reliability.pipeline import (
    BackgroundRun,
    PipelineProcess,
    PipelineWorld,
    build_world,
    cli_env,
)


@pytest.fixture(scope="session")
def world(tmp_path_factory: pytest.TempPathFactory) -> PipelineWorld:
    return build_world(tmp_path_factory.mktemp("reliability_world"))


@dataclass
class DirtySources:
    sources_dir: Path
    planted: dict[str, Planted]


@pytest.fixture(scope="session")
def dirty_sources(tmp_path_factory: pytest.TempPathFactory, demo_sources: Path) -> DirtySources:
    folder = tmp_path_factory.mktemp("dirty_sources") / "sources"
    shutil.copytree(demo_sources, folder)
    return DirtySources(folder, plant_all(folder))


@dataclass
class BackgroundRuns:
    clean: BackgroundRun
    dirty: BackgroundRun


def start_run(name: str, world: PipelineWorld, root: Path, sources_dir: Path) -> BackgroundRun:
    data_dir = root / name / "data"
    data_dir.mkdir(parents=True)
    env = cli_env(world, data_dir, sources_dir)
    process = PipelineProcess(env, root / name / "run.log")
    return BackgroundRun(name, world.settings(data_dir, sources_dir), process)


@pytest.fixture(scope="session")
def background_runs(
    tmp_path_factory: pytest.TempPathFactory,
    world: PipelineWorld,
    demo_sources: Path,
    dirty_sources: DirtySources,
) -> Iterator[BackgroundRuns]:
    root = tmp_path_factory.mktemp("background_runs")
    runs = BackgroundRuns(
        clean=start_run("clean", world, root, demo_sources),
        dirty=start_run("dirty", world, root, dirty_sources.sources_dir),
    )
    try:
        yield runs
    finally:
        runs.clean.process.stop_if_running()
        runs.dirty.process.stop_if_running()


@pytest.fixture(scope="session")
def clean_run(background_runs: BackgroundRuns) -> Settings:
    return background_runs.clean.result()


@pytest.fixture(scope="session")
def dirty_run(background_runs: BackgroundRuns) -> Settings:
    return background_runs.dirty.result()


# ---------------------------------------------------------------- the crash chain
@pytest.fixture(scope="session")
def crash_chain(
    tmp_path_factory: pytest.TempPathFactory,
    world: PipelineWorld,
    demo_sources: Path,
    background_runs: BackgroundRuns,
) -> Iterator[CrashChain]:
    root = tmp_path_factory.mktemp("crash_chain")
    chain, processes = run_crash_chain(root, world, demo_sources, background_runs.clean)
    try:
        yield chain
    finally:
        for process in processes:
            process.stop_if_running()
