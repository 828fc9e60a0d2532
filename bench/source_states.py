"""The two source states a benchmark scale needs: today's, and the same minus the last day.

Today's sources are the demo world generated up to the reference date. Yesterday's are a
copy without the rows whose `updated_at` falls on the last day: the orders, lines,
customers, leads, spend and stock that day added or changed. A nightly run that moves
from yesterday's state to today's reads exactly one new day.
"""

from __future__ import annotations

import shutil
import sqlite3
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from orchestration.demo_sources.generate import GenerationSummary, generate_sources
from orchestration.ingest.source_tables import SOURCE_TABLES
from orchestration.settings import sqlite_url

AVERAGE_LINES_PER_ORDER = 2.55  # rates.LINES_PER_ORDER_WEIGHTS, first baskets a little larger
SOURCE_FILES = {"crm": "crm.sqlite", "orders": "orders.sqlite"}


def orders_for_lines(lines_per_quarter: int) -> int:
    """Orders per quarter giving about `lines_per_quarter` order lines in the first quarter."""
    return max(1, round(lines_per_quarter / AVERAGE_LINES_PER_ORDER))


@dataclass(frozen=True)
class SourceStates:
    today: Path  # folder with crm.sqlite and orders.sqlite
    yesterday: Path
    last_day: date
    generation: GenerationSummary
    rows_removed_for_yesterday: int

    def urls(self, which: Path) -> tuple[str, str]:
        return (
            sqlite_url(which / SOURCE_FILES["crm"]),
            sqlite_url(which / SOURCE_FILES["orders"]),
        )


def build_source_states(
    folder: Path, lines_per_quarter: int, reference_date: date, seed: int = 7
) -> SourceStates:
    today, yesterday = folder / "today", folder / "yesterday"
    crm_url, orders_url = (
        sqlite_url(today / SOURCE_FILES["crm"]),
        sqlite_url(today / SOURCE_FILES["orders"]),
    )
    generation = generate_sources(
        crm_url,
        orders_url,
        reference_date=reference_date,
        seed=seed,
        orders_per_quarter=orders_for_lines(lines_per_quarter),
    )
    last_day = reference_date - timedelta(days=1)
    removed = _copy_without_day(today, yesterday, last_day)
    return SourceStates(today, yesterday, last_day, generation, removed)


def _copy_without_day(source: Path, destination: Path, day: date) -> int:
    """Copy both source files, deleting rows updated on or after `day`; return rows deleted."""
    destination.mkdir(parents=True, exist_ok=True)
    removed = 0
    for system, file_name in SOURCE_FILES.items():
        target = destination / file_name
        shutil.copyfile(source / file_name, target)
        connection = sqlite3.connect(target)
        try:
            for table in (t for t in SOURCE_TABLES if t.system == system):
                # text comparison on purpose: dirty rows hold unparseable timestamps
                cursor = connection.execute(
                    f'delete from "{table.name}" where cast(updated_at as text) >= ?',
                    [day.isoformat()],
                )
                removed += cursor.rowcount
            connection.commit()
        finally:
            connection.close()
    return removed
