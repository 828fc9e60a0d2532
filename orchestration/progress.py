"""One terminal line per finished step of a run, instead of Dagster's and dbt's full logs.

The CLI runs quietly by default: this logger reports each step as it ends (with its time,
or why it failed), dbt's own output goes to a log file, and `--verbose` shows everything
as before. Every event is also in the Dagster instance (`make dev`).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

import dagster as dg

PROGRESS_LOGGER = "progress"
# Steps long enough to announce when they start, not only when they end.
ANNOUNCED_STEPS = ("plan_and_staging", "quarter_models", "published__")


class StepProgressHandler(logging.Handler):
    """Writes a line when a step starts (long ones only) and when it ends."""

    def __init__(self, write: Callable[[str], None]) -> None:
        super().__init__(level=logging.DEBUG)
        self.write = write
        self.started: dict[str, float] = {}
        self.finished = 0

    def emit(self, record: logging.LogRecord) -> None:
        event = getattr(record, "dagster_event", None)
        if event is None or event.step_key is None:
            return
        step, kind = event.step_key, event.event_type_value
        if kind == "STEP_START":
            self.started[step] = time.monotonic()
            if step.startswith(ANNOUNCED_STEPS):
                self.write(f"  {step} ...")
        elif kind in ("STEP_SUCCESS", "STEP_FAILURE", "STEP_SKIPPED"):
            self.finished += 1
            seconds = time.monotonic() - self.started.get(step, time.monotonic())
            outcome = {"STEP_SUCCESS": "done", "STEP_FAILURE": "FAILED", "STEP_SKIPPED": "skipped"}
            self.write(f"  [{self.finished:>2}] {step} {outcome[kind]} ({seconds:.1f}s)")


def progress_logger(write: Callable[[str], None]) -> dg.LoggerDefinition:
    """A Dagster logger definition reporting steps through `write`."""

    def build(_init_context) -> logging.Logger:
        logger = logging.Logger("sales_targets.progress", level=logging.DEBUG)
        logger.addHandler(StepProgressHandler(write))
        return logger

    return dg.LoggerDefinition(build, description="one line per step as it ends")
