"""`sales-targets status`: the target tree in a terminal, 80 columns, with bars and flags.

Colour is ANSI and only on a terminal (off when piped or when NO_COLOR is set); the flag
is always a word too, so the view reads the same without colour.
"""

from __future__ import annotations

import os
from typing import TextIO

from orchestration.report.formatting import MISSING, percent, whole
from orchestration.report.quarter_data import QuarterReport, TreeNode

TEAM_LEVELS = {"region": 1, "group": 2, "rep": 3}
FLAG_WORDS = {"red": "RED", "amber": "amber", "on_track": "ok", None: MISSING}
ANSI = {"red": "\033[1;31m", "amber": "\033[33m", "on_track": "\033[32m", "bold": "\033[1m"}
RESET = "\033[0m"
DIMENSIONS = (("customer", "Customer"), ("product", "Product"), ("team", "Team"))

NAME_WIDTH = 26
BAR_WIDTH = 12


def use_color(stream: TextIO) -> bool:
    """ANSI colour only for a terminal, and never when NO_COLOR is set (no-color.org)."""
    if "NO_COLOR" in os.environ or os.environ.get("TERM") == "dumb":
        return False
    return bool(getattr(stream, "isatty", lambda: False)())


def can_draw_blocks(stream: TextIO) -> bool:
    encoding = (getattr(stream, "encoding", None) or "").lower().replace("-", "")
    return encoding in ("utf8", "utf_8")


def completion_bar(completion: float | None, expected: float | None, blocks: bool) -> str:
    """A bar of `BAR_WIDTH` cells filled to the completion, with `|` put between the cells
    where the pace should be (never over a cell: the fill always shows whole)."""
    full, empty = ("\u2588", "\u2591") if blocks else ("#", ".")
    filled = 0 if completion is None else round(max(0.0, min(completion, 1.0)) * BAR_WIDTH)
    cells = [full] * filled + [empty] * (BAR_WIDTH - filled)
    # one column for the pace marker; a space when there is no pace to show (quarter over)
    if expected is not None and 0 <= expected < 1:
        cells.insert(round(expected * BAR_WIDTH), "|")
    else:
        cells.append(" ")
    return "".join(cells)


def _shorten(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "\u2026"


def _paint(text: str, style: str | None, color: bool) -> str:
    return f"{ANSI[style]}{text}{RESET}" if color and style in ANSI else text


def _line(
    node: TreeNode, depth: int, expected: float | None, color: bool, blocks: bool
) -> str | None:
    figures = node.metrics.get("revenue")
    if figures is None:
        return None
    name = _shorten("  " * depth + node.name, NAME_WIDTH)
    flag = figures["flag"]
    word = FLAG_WORDS.get(flag, str(flag))
    bar = completion_bar(figures["completion"], expected, blocks)
    text = (
        f"{name:<{NAME_WIDTH}} {whole(figures['target']):>11} {whole(figures['actual']):>11} "
        f"{percent(figures['completion']):>6} {bar} "
    )
    return text + _paint(word, flag, color)


def render_status(
    report: QuarterReport,
    level: str = "region",
    color: bool = False,
    blocks: bool = True,
) -> str:
    """The quarter's headline and revenue tree down to `level` of the team dimension."""
    if level not in TEAM_LEVELS:
        raise ValueError(f"level {level!r} is not one of {', '.join(TEAM_LEVELS)}")
    h = report.headline
    expected = h.expected_completion
    lines = [
        _paint(f"Sales targets {report.quarter}", "bold", color)
        + f"  as of {h.as_of_date or MISSING}, "
        + (f"{h.working_days_left} working days left" if h.working_days_left is not None else ""),
        f"target {whole(h.quarter_target)}  actual {whole(h.actual_to_date)} "
        f"({percent(h.completion)})  expected {whole(h.expected_to_date)}",
        f"projected finish {whole(h.projected_finish)}  pace {percent(h.pace)} of expected",
        "",
        f"{'revenue':<{NAME_WIDTH}} {'target':>11} {'actual':>11} {'done':>6} "
        f"{'| = expected':<{BAR_WIDTH + 1}} flag",
    ]
    if report.tree is None:
        lines.append(f"target tree {report.notes.get('tree', 'not available yet')}")
        return "\n".join(lines) + "\n"
    if "progress" in report.notes:
        lines.append(f"(actuals {report.notes['progress']})")
    team_depth = TEAM_LEVELS[level]

    def walk(node: TreeNode, depth: int) -> None:
        if node.dimension == "team" and node.level > team_depth:
            return
        line = _line(node, depth, expected, color, blocks)
        if line:
            lines.append(line)
        if node.dimension in ("customer", "product"):
            return  # their children are KPI rates, shown in the HTML report
        for child in node.children:
            walk(child, depth + 1)

    for root in report.tree:
        lines.append(_line(root, 0, expected, color, blocks) or root.name)
        for dimension, title in DIMENSIONS:
            children = [c for c in root.children if c.dimension == dimension]
            if not children:
                continue
            lines.append(_paint(title, "bold", color))
            for child in children:
                walk(child, 1)
    lines.append("")
    for name, reason in report.not_measured():
        lines.append(f"{name}: {reason}")
    lines.append("flags: ok on track, amber below the warning line, RED below the red line")
    return "\n".join(lines) + "\n"
