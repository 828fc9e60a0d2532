"""The benchmark's figures, their goals, and the table printed and written to results/."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

GIB = 1024**3


@dataclass(frozen=True)
class Goal:
    """`value <= limit` (at_most) or `value >= limit`; `largest_scale_only` judges one scale,
    `from_lines` only scales of at least that many order lines a quarter."""

    limit: float
    at_most: bool
    text: str
    largest_scale_only: bool = False
    from_lines: int = 0

    def judges(self, scale: str, largest_scale: str) -> bool:
        if self.largest_scale_only and scale != largest_scale:
            return False
        return scale_lines(scale) >= self.from_lines

    def met(self, value: float | None) -> bool | None:
        if value is None:
            return None
        return value <= self.limit if self.at_most else value >= self.limit


GOALS: dict[str, Goal | None] = {
    "ingestion": Goal(0.5, at_most=False, text=">= 0.5x DB-API fetch"),
    "transformation": Goal(
        3.0, at_most=True, text="<= 3x hand-written SQL (1M lines and above)", from_lines=10**6
    ),
    "contracts": Goal(0.15, at_most=True, text="<= 15% of wall time"),
    "nightly incremental": Goal(
        0.20, at_most=True, text="<= 20% of a full rebuild (1M lines and above)", from_lines=10**6
    ),
    "backfill": Goal(0.5, at_most=True, text="<= 0.5x the one-quarter runs"),
    "peak memory": Goal(
        3 * GIB, at_most=True, text="<= 3 GiB (largest scale)", largest_scale_only=True
    ),
    "end-to-end": None,
    # the engine phase compares engines, it has no goal of its own (bench/README.md)
    "engine build": None,
    "raw landing": None,
}


@dataclass
class Figure:
    name: str
    scale: str  # "100k lines/q"
    value: float | None  # the ratio (or bytes for memory, seconds for end-to-end)
    measured: str  # the pipeline's own number, human readable
    lower_bound: str  # what it was divided by, human readable
    verdict: str = ""  # met / missed / info / n/a
    notes: list[str] = field(default_factory=list)
    engine: str = ""  # duckdb / spark where the figure is one engine's, else empty


def scale_lines(label: str) -> float:
    """Order lines a quarter of a scale label: "300k lines/q" -> 300000."""
    count = label.split()[0]
    factor = {"k": 10**3, "M": 10**6}.get(count[-1], 1)
    return float(count.rstrip("kM")) * factor


def judge(figures: list[Figure], largest_scale: str) -> None:
    """Fill each figure's verdict from its goal."""
    for figure in figures:
        goal = GOALS.get(figure.name)
        if goal is None:
            figure.verdict = "no goal"
        elif not goal.judges(figure.scale, largest_scale):
            figure.verdict = "info"
        else:
            met = goal.met(figure.value)
            figure.verdict = "n/a" if met is None else ("met" if met else "MISSED")


def display_value(figure: Figure) -> str:
    if figure.value is None:
        return "—"
    if figure.name == "peak memory":
        return f"{figure.value / GIB:.2f} GiB"
    if figure.name in ("end-to-end", "raw landing"):
        return f"{figure.value:.1f} s"
    if figure.name == "engine build":
        per_line = figure.value
        return f"{per_line:,.0f} µs/line" if per_line >= 100 else f"{per_line:.3g} µs/line"
    if figure.name == "contracts":
        return f"{figure.value:.1%}"
    return f"{figure.value:.3g}x"


COLUMNS = (
    "scale",
    "figure",
    "engine",
    "value",
    "measured",
    "lower bound / reference",
    "goal",
    "verdict",
)


def _rows(figures: list[Figure]) -> list[tuple[str, ...]]:
    rows = []
    for figure in figures:
        goal = GOALS.get(figure.name)
        rows.append(
            (
                figure.scale,
                figure.name,
                figure.engine,
                display_value(figure),
                figure.measured,
                figure.lower_bound,
                goal.text if goal else "—",
                figure.verdict,
            )
        )
    return rows


def text_table(figures: list[Figure]) -> str:
    rows = [COLUMNS, *_rows(figures)]
    widths = [max(len(row[i]) for row in rows) for i in range(len(COLUMNS))]
    lines = [
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True))
        for row in rows
    ]
    lines.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(lines)


def markdown_table(figures: list[Figure]) -> str:
    def escape(cell: str) -> str:
        return cell.replace("|", "\\|")

    lines = [
        "| " + " | ".join(COLUMNS) + " |",
        "|" + "|".join("---" for _ in COLUMNS) + "|",
    ]
    lines += ["| " + " | ".join(escape(c) for c in row) + " |" for row in _rows(figures)]
    return "\n".join(lines)


def write_json(path: Path, figures: list[Figure], context: dict[str, object]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = {"context": context, "figures": [asdict(figure) for figure in figures]}
    path.write_text(json.dumps(payload, indent=2, default=str) + "\n")
