"""A straight line per engine (a fixed cost plus a cost per order line) and where two cross.

Pure arithmetic, no I/O: the engine phase (engine_timing.py) measures, run.py reports.
Lines are order lines per quarter (the benchmark's scale), seconds are build wall time.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class CostLine:
    """`fixed_seconds + per_line_seconds * lines`: an engine's build time at a scale."""

    fixed_seconds: float
    per_line_seconds: float

    def seconds_at(self, lines: float) -> float:
        return self.fixed_seconds + self.per_line_seconds * lines


def fit_cost_line(points: Sequence[tuple[int, float]], startup_seconds: float) -> CostLine:
    """The engine's cost line from its measured (lines, wall seconds) points.

    Two or more scales: least squares through all of them (the intercept then also holds
    what does not grow with the data beyond start-up, e.g. a fixed cost per model). One
    scale: the measured start-up is the fixed cost and the rest of the wall is per line.
    """
    if not points:
        raise ValueError("no measured scale to fit")
    if len({lines for lines, _ in points}) == 1:
        lines, seconds = points[0]
        return CostLine(startup_seconds, (seconds - startup_seconds) / lines)
    count = len(points)
    mean_lines = sum(lines for lines, _ in points) / count
    mean_seconds = sum(seconds for _, seconds in points) / count
    spread = sum((lines - mean_lines) ** 2 for lines, _ in points)
    slope = (
        sum((lines - mean_lines) * (seconds - mean_seconds) for lines, seconds in points) / spread
    )
    return CostLine(mean_seconds - slope * mean_lines, slope)


@dataclass(frozen=True)
class Crossover:
    """Where the challenger's line crosses the incumbent's.

    kind: "above" (the challenger is faster above `lines`), "below" (faster only below
    `lines`), "always" (faster at every scale), "never" (faster at no scale).
    """

    kind: str
    lines: float | None = None


def crossover(incumbent: CostLine, challenger: CostLine) -> Crossover:
    """The scale (order lines/quarter) beyond which `challenger` builds faster."""
    fixed_gap = challenger.fixed_seconds - incumbent.fixed_seconds  # > 0: challenger starts slower
    slope_gap = incumbent.per_line_seconds - challenger.per_line_seconds  # > 0: grows slower
    if slope_gap > 0:
        at = fixed_gap / slope_gap
        return Crossover("above", at) if at > 0 else Crossover("always")
    if slope_gap < 0:
        at = fixed_gap / slope_gap
        return Crossover("below", at) if at > 0 else Crossover("never")
    return Crossover("always") if fixed_gap < 0 else Crossover("never")


def on_more_cores(line: CostLine, local_cores: int, cores: int) -> CostLine:
    """The assumption for a cluster: the per-line cost divides by the executor cores
    (relative to the local ones), the fixed cost stays as measured."""
    return CostLine(line.fixed_seconds, line.per_line_seconds * local_cores / cores)


def cores_for_crossover(incumbent: CostLine, challenger: CostLine, local_cores: int) -> float:
    """Executor cores above which the challenger's per-line cost, divided as in
    `on_more_cores`, falls below the incumbent's (so that a crossover exists)."""
    if incumbent.per_line_seconds <= 0:
        return float("inf")
    return local_cores * challenger.per_line_seconds / incumbent.per_line_seconds


def per_line_microseconds(wall_seconds: float, startup_seconds: float, lines: int) -> float:
    """(build wall - start-up) / order lines, in microseconds."""
    return (wall_seconds - startup_seconds) / lines * 1e6
