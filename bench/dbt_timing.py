"""`dbt build` of one quarter's models run directly, timed and profiled from run_results.json.

The command is the one the quarter_models asset runs (same selection, same vars, same
environment); dbt writes its target and logs into a scratch folder so the project's
`target/` (which Dagster loads the manifest from) is never touched. The data dir's
partial-parse file is copied in first, as the pipeline does.
"""

from __future__ import annotations

import json
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from orchestration.partitions import QuarterWindow
from orchestration.settings import Settings
from orchestration.transform.assets import (
    PIPELINE_BUILD,
    QUARTER_MODELS_EXCLUDE,
    QUARTER_MODELS_SELECT,
)
from orchestration.transform.project import parse_state_path, run_dbt, snapshot_plan


def node_seconds(nodes: list[dict], prefix: str) -> float:
    """Execution seconds of run_results' nodes whose unique_id starts with `prefix`."""
    return sum(
        node.get("execution_time") or 0.0
        for node in nodes
        if node.get("unique_id", "").startswith(prefix)
    )


PARTIAL_PARSE = "partial_parse.msgpack"


@dataclass(frozen=True)
class DbtTiming:
    wall_seconds: float  # process start to exit
    dbt_elapsed_seconds: float  # what dbt reports for the run, after parsing and start-up
    model_seconds: float  # sum of model execution times (threads overlap)
    test_seconds: float  # sum of data test execution times
    slowest: list[tuple[str, float]] = field(default_factory=list)

    @property
    def startup_seconds(self) -> float:
        """Interpreter start, imports, project parse and connection set-up."""
        return max(0.0, self.wall_seconds - self.dbt_elapsed_seconds)


def run_quarter_build(settings: Settings, window: QuarterWindow) -> DbtTiming:
    snapshot_plan(settings)
    with tempfile.TemporaryDirectory(prefix="bench-dbt-") as scratch:
        target = Path(scratch) / "target"
        target.mkdir()
        # the data dir's own saved parse, as the pipeline starts from (`parse_state_path`):
        # the project's fits the default data dir only, and dbt re-parsed everything
        parsed = parse_state_path(settings)
        if not parsed.exists():
            parsed = settings.dbt_project_dir / "target" / PARTIAL_PARSE
        if parsed.exists():
            shutil.copyfile(parsed, target / PARTIAL_PARSE)
        command = [
            *PIPELINE_BUILD, "--select", *QUARTER_MODELS_SELECT.split(),
            "--exclude", QUARTER_MODELS_EXCLUDE,
            "--target-path", str(target), "--log-path", str(Path(scratch) / "logs"),
        ]  # fmt: skip
        started = time.perf_counter()
        result = run_dbt(settings, command, window)
        wall = time.perf_counter() - started
        if result.returncode != 0:
            raise RuntimeError(
                f"dbt build for {window.quarter_start}..{window.quarter_end} failed "
                f"(exit {result.returncode}):\n{result.output[-4000:]}"
            )
        run_results = json.loads((target / "run_results.json").read_text())
    nodes = run_results.get("results", [])

    def seconds_of(prefix: str) -> float:
        return node_seconds(nodes, prefix)

    slowest = sorted(
        ((node["unique_id"].split(".")[-1], node.get("execution_time") or 0.0) for node in nodes),
        key=lambda item: -item[1],
    )[:5]
    return DbtTiming(
        wall_seconds=wall,
        dbt_elapsed_seconds=float(run_results.get("elapsed_time") or 0.0),
        model_seconds=seconds_of("model."),
        test_seconds=seconds_of("test.") + seconds_of("unit_test."),
        slowest=[(name, round(seconds, 2)) for name, seconds in slowest],
    )
