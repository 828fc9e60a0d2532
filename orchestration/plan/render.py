"""The target tree as people read it (an indented table) or as tools read it (CSV)."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

from orchestration.plan.preview import TREE_COLUMNS, PlanPreview, TargetRow

COUNT_METRICS = {"units", "customers"}


def format_target(metric: str, value: Decimal | None, for_people: bool) -> str:
    """Money to the cent, counts whole, rates as fractions (CSV) or percentages (table)."""
    if value is None:
        return ""
    if metric == "revenue":
        return f"{value:,.2f}" if for_people else f"{value:.2f}"
    if metric in COUNT_METRICS:
        return f"{value:,.0f}" if for_people else f"{value:.0f}"
    if for_people:
        return f"{(value * 100).normalize():f}%"
    return f"{value.normalize():f}"


def render_csv(preview: PlanPreview) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(TREE_COLUMNS)
    for row in preview.rows:
        writer.writerow([_csv_cell(row, column) for column in TREE_COLUMNS])
    return buffer.getvalue()


def _csv_cell(row: TargetRow, column: str) -> str:
    value = getattr(row, column)
    if column in {"target_value", "original_target_value"}:
        return format_target(row.metric, value, for_people=False)
    if value is None:
        return ""
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def render_table(preview: PlanPreview) -> str:
    header = ("node", "name", "metric", "target", "original", "revision")
    lines = [
        (
            "  " * row.level + row.node_id,
            row.node_name,
            row.metric,
            format_target(row.metric, row.target_value, for_people=True),
            (
                format_target(row.metric, row.original_target_value, for_people=True)
                if row.original_target_value != row.target_value
                else ""
            ),
            row.revision_reason or "",
        )
        for row in preview.rows
    ]
    widths = [max(len(str(cell)) for cell in column) for column in zip(header, *lines, strict=True)]
    right_aligned = {3, 4}

    def format_line(cells: tuple) -> str:
        return "  ".join(
            str(cell).rjust(width) if index in right_aligned else str(cell).ljust(width)
            for index, (cell, width) in enumerate(zip(cells, widths, strict=True))
        ).rstrip()

    output = [
        f"target tree {preview.quarter} as of {preview.as_of_date.isoformat()}",
        format_line(header),
        format_line(tuple("-" * width for width in widths)),
    ]
    output += [format_line(line) for line in lines]
    return "\n".join(output) + "\n"


def render_notes(preview: PlanPreview) -> str:
    return "".join(f"note: {note}\n" for note in preview.notes)
