"""Where a pipeline run spends its time: validation functions and Dagster steps.

Validation runs inside other steps (raw contracts per ingest chunk, the plan contract
before dbt, the personal-data scan and great-expectations inside publish), so
`ContractClock` wraps those functions where they are called and sums their wall time.
Checks that run as steps of their own (pandera asset checks on the marts) are found in
the run's event log: a step that reported check evaluations and materialized nothing.
"""

from __future__ import annotations

import functools
import importlib
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

import dagster as dg

# (module the function is called from, function name, kind of validation)
WRAPPED_VALIDATIONS: tuple[tuple[str, str, str], ...] = (
    ("orchestration.ingest.chunk", "validate_rows", "raw contracts"),
    ("orchestration.transform.assets", "validate_plan_for_run", "pandera plan contract"),
    ("orchestration.publish.gated", "require_no_personal_data", "personal-data scan"),
    ("orchestration.publish.gated", "validate_store_file", "great-expectations"),
)
CHECK_STEPS = "pandera/asset-check steps"


class ContractClock:
    """Sums the wall time of the validation functions while active (a context manager).

    `missing` lists functions that could not be found (the code moved): their time is not
    counted, and the report says so instead of silently under-counting.
    """

    def __init__(self) -> None:
        self.seconds: dict[str, float] = defaultdict(float)
        self.missing: list[str] = []
        self._restore: list[tuple[object, str, Callable]] = []

    def _wrap(self, function: Callable, kind: str) -> Callable:
        @functools.wraps(function)
        def timed(*args, **kwargs):
            started = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                self.seconds[kind] += time.perf_counter() - started

        return timed

    def __enter__(self) -> ContractClock:
        for module_name, name, kind in WRAPPED_VALIDATIONS:
            try:
                module = importlib.import_module(module_name)
            except ImportError:
                self.missing.append(f"{module_name}.{name}")
                continue
            function = getattr(module, name, None)
            if function is None:
                self.missing.append(f"{module_name}.{name}")
                continue
            self._restore.append((module, name, function))
            setattr(module, name, self._wrap(function, kind))
        return self

    def __exit__(self, *exc_info: object) -> None:
        for module, name, function in reversed(self._restore):
            setattr(module, name, function)
        self._restore.clear()

    def snapshot(self) -> dict[str, float]:
        return dict(self.seconds)


@dataclass(frozen=True)
class StepTiming:
    step_key: str
    seconds: float
    materialized: int
    check_evaluations: int

    @property
    def is_check_only(self) -> bool:
        return self.check_evaluations > 0 and self.materialized == 0


def step_timings(instance: dg.DagsterInstance, run_id: str) -> list[StepTiming]:
    """Each step of a run: wall time from its start to its success or failure event."""
    starts: dict[str, float] = {}
    ends: dict[str, float] = {}
    materialized: dict[str, int] = defaultdict(int)
    checks: dict[str, int] = defaultdict(int)
    for entry in instance.all_logs(run_id):
        event, step = entry.dagster_event, entry.step_key
        if event is None or step is None:
            continue
        kind = event.event_type_value
        if kind == "STEP_START":
            starts[step] = entry.timestamp
        elif kind in ("STEP_SUCCESS", "STEP_FAILURE", "STEP_SKIPPED"):
            ends[step] = entry.timestamp
        elif kind == "ASSET_MATERIALIZATION":
            materialized[step] += 1
        elif kind == "ASSET_CHECK_EVALUATION":
            checks[step] += 1
    return [
        StepTiming(step, ends[step] - started, materialized[step], checks[step])
        for step, started in starts.items()
        if step in ends
    ]


def ingest_metadata(instance: dg.DagsterInstance, run_id: str) -> tuple[int, float]:
    """(rows read, seconds) summed over the run's ingest materializations' metadata."""
    rows, seconds = 0, 0.0
    for entry in instance.all_logs(run_id, of_type=dg.DagsterEventType.ASSET_MATERIALIZATION):
        materialization = entry.dagster_event.step_materialization_data.materialization
        metadata = materialization.metadata
        if "rows_read" in metadata and "seconds" in metadata:
            rows += int(metadata["rows_read"].value)
            seconds += float(metadata["seconds"].value)
    return rows, seconds
