"""Inline SVG charts drawn in Python: no script library, no network, prints as vectors.

Colours are the Okabe–Ito palette (distinguishable with every common colour-vision
deficiency); every series also differs in dash pattern and carries a text label.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from html import escape

from orchestration.report.formatting import compact, metric_value, missing_value_label, percent
from orchestration.report.quarter_data import ProgressSeries

ACTUAL = "#0072B2"  # blue
TARGET = "#000000"
WARNING = "#E69F00"  # orange
RED = "#D55E00"  # vermillion
ON_TRACK = "#009E73"  # bluish green
GRID = "#d9d9d9"
MUTED = "#595959"


# Width of a character of the charts' 12px DejaVu Sans, on average (its widest letters are
# about 9px): label columns are sized from it so no label runs off the chart's left edge.
CHAR_PX = 7.4


def _label_column(labels: Sequence[str], least: int, most: int) -> int:
    """The width of a chart's text column: its longest text's, within least..most."""
    longest = max((len(label) for label in labels), default=0)
    return int(min(most, max(least, math.ceil(longest * CHAR_PX) + 12)))


def _fitted(label: str, column: int) -> str:
    """The label cut with an ellipsis where it would not fit its column."""
    room = int((column - 12) / CHAR_PX)
    return label if len(label) <= room else label[: max(room - 1, 1)].rstrip() + "\u2026"


def _num(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _svg(width: int, height: int, title: str, body: list[str], chart: str) -> str:
    label = escape(title)
    return (
        f'<svg class="chart" data-chart="{escape(chart)}" viewBox="0 0 {width} {height}" '
        f'width="100%" role="img" aria-label="{label}" preserveAspectRatio="xMinYMin meet">'
        f"<title>{label}</title>{''.join(body)}</svg>"
    )


def _text(x: float, y: float, content: str, anchor: str = "start", cls: str = "") -> str:
    klass = f' class="{cls}"' if cls else ""
    return (
        f'<text x="{_num(x)}" y="{_num(y)}" text-anchor="{anchor}"{klass}>{escape(content)}</text>'
    )


def _polyline(points: Sequence[tuple[float, float]], colour: str, dash: str, width: float) -> str:
    coords = " ".join(f"{_num(x)},{_num(y)}" for x, y in points)
    dashing = f' stroke-dasharray="{dash}"' if dash else ""
    return (
        f'<polyline points="{coords}" fill="none" stroke="{colour}" '
        f'stroke-width="{width}"{dashing} stroke-linejoin="round"/>'
    )


def _nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """Round grid values (1, 2, 2.5 or 5 times a power of ten) covering low..high."""
    span = high - low
    if span <= 0:
        return [low]
    raw = span / (count - 1)
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    first = math.ceil(low / step) * step
    ticks = []
    value = first
    while value <= high + step * 1e-9:
        ticks.append(0.0 if abs(value) < step * 1e-9 else value)
        value += step
    return ticks


def progress_chart(series: ProgressSeries, quarter_start: date, quarter_end: date) -> str:
    """Actual to date against target to date with the warning and red lines, week by week."""
    width, height = 720, 300
    left, right, top, bottom = 64, 150, 16, 34
    plot_w, plot_h = width - left - right, height - top - bottom
    days = max((quarter_end - quarter_start).days + 1, 1)
    # a level rate starts at its first reading; money, units and counts start at zero
    starts_at_zero = series.metric not in ("rate",) or series.node_id.endswith(
        ("repurchase_rate", "churn_recall_rate", "inventory_reduction")
    )
    values = [series.quarter_target or 0.0, series.projected_finish or 0.0]
    for point in series.points:
        values += [point.target_to_date or 0.0, point.actual_to_date or 0.0]
    top_value = max(max(values), 1e-9) * 1.08
    bottom_value = min(0.0, min(values))

    def x_of(day: date) -> float:
        return left + plot_w * min(max((day - quarter_start).days + 1, 0), days) / days

    def y_of(value: float) -> float:
        return top + plot_h * (1 - (value - bottom_value) / (top_value - bottom_value))

    body: list[str] = []
    for value in _nice_ticks(bottom_value, top_value):  # horizontal grid with value labels
        y = y_of(value)
        body.append(
            f'<line x1="{left}" x2="{left + plot_w}" y1="{_num(y)}" y2="{_num(y)}" '
            f'stroke="{GRID}" stroke-width="1"/>'
        )
        body.append(_text(left - 6, y + 4, compact(value, series.metric), "end", "axis"))
    for month_offset in range(4):  # month ticks along the quarter
        month_index = quarter_start.month - 1 + month_offset
        tick = date(quarter_start.year + month_index // 12, month_index % 12 + 1, 1)
        if tick > quarter_end:
            break
        x = left + plot_w * (tick - quarter_start).days / days
        body.append(
            f'<line x1="{_num(x)}" x2="{_num(x)}" y1="{top}" y2="{top + plot_h}" '
            f'stroke="{GRID}" stroke-width="1"/>'
        )
        body.append(_text(x + 3, top + plot_h + 18, tick.strftime("%b %d"), "start", "axis"))

    legend: list[tuple[str, str, str, str]] = []
    origin = [(x_of(quarter_start) - plot_w / days, y_of(0.0))] if starts_at_zero else []
    points = [p for p in series.points if p.target_to_date is not None]
    target_pts = origin + [(x_of(p.reported_through), y_of(p.target_to_date)) for p in points]
    if series.quarter_target is not None:
        y = y_of(series.quarter_target)
        body.append(
            f'<line x1="{left}" x2="{left + plot_w}" y1="{_num(y)}" y2="{_num(y)}" '
            f'stroke="{TARGET}" stroke-width="1" stroke-dasharray="2 3"/>'
        )
        legend.append((TARGET, "2 3", "quarter target", "line"))
    for line, colour, dash, name in (
        (series.red_line, RED, "2 4", f"red line {percent(series.red_line, 0)}"),
        (series.warning_line, WARNING, "8 4", f"warning line {percent(series.warning_line, 0)}"),
    ):
        scaled = origin + [
            (x_of(p.reported_through), y_of(p.target_to_date * line)) for p in points
        ]
        if len(scaled) > 1:
            body.append(_polyline(scaled, colour, dash, 2))
            legend.append((colour, dash, name, "line"))
    if len(target_pts) > 1:
        body.append(_polyline(target_pts, TARGET, "", 2))
        legend.insert(0, (TARGET, "", "target to date", "line"))
    actual = [p for p in series.points if p.actual_to_date is not None]
    actual_pts = origin + [(x_of(p.reported_through), y_of(p.actual_to_date)) for p in actual]
    if actual_pts:
        body.append(_polyline(actual_pts, ACTUAL, "", 3.5))
        for x, y in actual_pts[len(origin) :]:
            body.append(f'<circle cx="{_num(x)}" cy="{_num(y)}" r="3" fill="{ACTUAL}"/>')
        legend.insert(0, (ACTUAL, "", "actual to date", "line"))
    if series.projected_finish is not None and actual_pts and starts_at_zero:
        end = (x_of(quarter_end), y_of(series.projected_finish))
        body.append(_polyline([actual_pts[-1], end], ACTUAL, "1 4", 2))
        body.append(
            f'<rect x="{_num(end[0] - 4)}" y="{_num(end[1] - 4)}" width="8" height="8" '
            f'fill="white" stroke="{ACTUAL}" stroke-width="2"/>'
        )
        legend.append((ACTUAL, "1 4", "projected finish", "line"))
    body.append(
        f'<rect x="{left}" y="{top}" width="{plot_w}" height="{plot_h}" fill="none" '
        f'stroke="{MUTED}" stroke-width="1"/>'
    )
    for index, (colour, dash, name, _) in enumerate(legend):  # legend at the right
        y = top + 14 + index * 20
        x = left + plot_w + 8
        dashing = f' stroke-dasharray="{dash}"' if dash else ""
        body.append(
            f'<line x1="{x}" x2="{x + 22}" y1="{y}" y2="{y}" stroke="{colour}" '
            f'stroke-width="3"{dashing}/>'
        )
        body.append(_text(x + 27, y + 4, name, "start", "legend"))
    title = f"{series.node_name} ({series.metric}): actual to date vs target to date"
    return _svg(width, height, title, body, f"progress:{series.key}")


@dataclass(frozen=True)
class BulletRow:
    label: str
    metric: str  # decides how values read (money, count, rate)
    target: float | None
    actual: float | None
    completion: float | None
    not_measured: str | None = None  # why there is no actual: shown instead of it


def bullet_chart(rows: Sequence[BulletRow], title: str, chart: str) -> str:
    """Target vs actual per row, each row on its own scale (rows mix money, counts, rates)."""
    width, row_h = 720, 34
    texts = [
        f"{metric_value(row.actual, row.metric)} of {metric_value(row.target, row.metric)}"
        f" ({percent(row.completion, 0)})"
        if row.not_measured is None
        else f"{missing_value_label(row.not_measured)}, "
        f"target {metric_value(row.target, row.metric)}"
        for row in rows
    ]
    label_w = _label_column([row.label for row in rows], 190, 330)
    value_w = _label_column(texts, 210, 280)
    bar_w = width - label_w - value_w
    height = row_h * len(rows) + 22
    body = [
        _text(label_w, 14, "bar = actual, black tick = target", "start", "note"),
    ]
    for index, row in enumerate(rows):
        y = 22 + index * row_h
        scale = max(abs(row.target or 0.0), abs(row.actual or 0.0), 1e-9) * 1.1
        body.append(_text(label_w - 8, y + 21, _fitted(row.label, label_w), "end", "label"))
        body.append(f'<rect x="{label_w}" y="{y + 6}" width="{bar_w}" height="22" fill="#f2f2f2"/>')
        if row.actual is not None and row.actual > 0:
            actual_w = bar_w * row.actual / scale
            colour = ACTUAL
            body.append(
                f'<rect class="bar" x="{label_w}" y="{y + 10}" width="{_num(actual_w)}" '
                f'height="14" fill="{colour}"/>'
            )
        if row.target is not None:
            x = label_w + bar_w * max(row.target, 0.0) / scale
            body.append(
                f'<line x1="{_num(x)}" x2="{_num(x)}" y1="{y + 3}" y2="{y + 31}" '
                f'stroke="{TARGET}" stroke-width="3"/>'
            )
        body.append(_text(label_w + bar_w + 8, y + 21, texts[index], "start", "value"))
    return _svg(width, height, title, body, chart)


@dataclass(frozen=True)
class RankRow:
    rank: int
    label: str
    completion: float | None
    detail: str  # actual of target, shown beside the bar
    href: str | None = None  # the label links here (a rep's or group's own page)


def ranking_chart(rows: Sequence[RankRow], expected: float | None, title: str, chart: str) -> str:
    """Completion bars in rank order, with the share of the target expected by now."""
    width, value_w = 720, 230
    row_h = 24 if len(rows) <= 15 else 20  # a long list (every rep) stays on fewer screens
    label_w = _label_column([f"{row.rank}. {row.label}" for row in rows], 230, 330)
    bar_w = width - label_w - value_w
    top = 22
    height = top + row_h * len(rows) + 8
    scale = max([1.0] + [r.completion or 0.0 for r in rows]) * 1.05
    body = []
    for index, row in enumerate(rows):
        y = top + index * row_h
        text = _fitted(f"{row.rank}. {row.label}", label_w)
        label = _text(label_w - 8, y + 16, text, "end", "label")
        body.append(f'<a href="{escape(row.href)}">{label}</a>' if row.href else label)
        if row.completion:
            body.append(
                f'<rect class="bar" x="{label_w}" y="{y + 4}" '
                f'width="{_num(bar_w * max(row.completion, 0.0) / scale)}" height="15" '
                f'fill="{ACTUAL}"/>'
            )
        body.append(
            _text(
                label_w + bar_w + 8, y + 16, f"{percent(row.completion)}  {row.detail}", "start",
                "value",
            )
        )  # fmt: skip
    bottom = top + row_h * len(rows)
    full = label_w + bar_w / scale
    body.append(
        f'<line x1="{_num(full)}" x2="{_num(full)}" y1="{top - 4}" y2="{bottom}" '
        f'stroke="{TARGET}" stroke-width="1.5"/>'
    )
    body.append(_text(full, 12, "100%", "middle", "note"))
    if expected is not None and expected < 1:  # at 100% it is the target line itself
        x = label_w + bar_w * expected / scale
        body.append(
            f'<line x1="{_num(x)}" x2="{_num(x)}" y1="{top - 4}" y2="{bottom}" '
            f'stroke="{WARNING}" stroke-width="2" stroke-dasharray="6 3"/>'
        )
        body.append(_text(x - 4, 12, f"expected by now {percent(expected, 0)}", "end", "note"))
    return _svg(width, height, title, body, chart)
