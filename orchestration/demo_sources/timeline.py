"""Days and quarters of the demo world, as integer day numbers and as SQLite text.

Day numbers count from `Timeline.origin` (a little before the history quarter, so
leads of the first customers fit). Text is what the SQLite dialect stores: dates as
'YYYY-MM-DD', timestamps as 'YYYY-MM-DD HH:MM:SS'.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache

import numpy as np

from orchestration.partitions import add_months, quarter_end_of, quarter_label

LEAD_LOOKBACK_DAYS = 60  # room before the history quarter for the first customers' leads
SECONDS_PER_DAY = 86_400


@dataclass(frozen=True)
class Quarter:
    index: int  # 0 is the history quarter before the first partition
    label: str  # 2025Q1
    start: date
    end: date  # last calendar day of the quarter
    last_day: date  # last day with data: the end, or the day before the reference date
    start_day: int  # day numbers of the three dates above
    end_day: int
    last_day_number: int

    @property
    def days_with_data(self) -> int:
        return self.last_day_number - self.start_day + 1

    @property
    def full_days(self) -> int:
        return self.end_day - self.start_day + 1


@cache
def time_of_day_text() -> np.ndarray:
    """'HH:MM:SS' for every second of a day, indexable by seconds since midnight."""
    return np.array(
        [f"{s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}" for s in range(SECONDS_PER_DAY)],
        dtype=object,
    )


class Timeline:
    """The quarters from the history quarter up to the day before `reference_date`."""

    def __init__(self, first_quarter_start: date, reference_date: date) -> None:
        if first_quarter_start.day != 1:
            raise ValueError(
                f"first_quarter_start {first_quarter_start} must be the first day of a quarter"
            )
        if reference_date <= first_quarter_start:
            raise ValueError(
                f"reference_date {reference_date} must be after first_quarter_start "
                f"{first_quarter_start}: there would be no quarter to generate"
            )
        self.reference_date = reference_date
        self.first_quarter_start = first_quarter_start
        self.history_start = add_months(first_quarter_start, -3)
        self.origin = self.history_start - timedelta(days=LEAD_LOOKBACK_DAYS)
        self.quarters = self._quarters()
        # Text covers every day up to the end of the last quarter (campaign windows, launches).
        days = self.day_number(self.quarters[-1].end) + 1
        self.day_text = np.array(
            [(self.origin + timedelta(days=d)).isoformat() for d in range(days)], dtype=object
        )
        self.weekday = np.array(
            [(self.origin + timedelta(days=d)).weekday() for d in range(days)], dtype=np.int8
        )
        self.reference_day = self.day_number(reference_date)

    def _quarters(self) -> list[Quarter]:
        fiscal_month = (self.first_quarter_start.month - 1) % 3 + 1
        quarters: list[Quarter] = []
        start = self.history_start
        last_day_with_data = self.reference_date - timedelta(days=1)
        while start <= last_day_with_data:
            end = quarter_end_of(start)
            last = min(end, last_day_with_data)
            quarters.append(
                Quarter(
                    index=len(quarters),
                    label=quarter_label(start, fiscal_month),
                    start=start,
                    end=end,
                    last_day=last,
                    start_day=self.day_number(start),
                    end_day=self.day_number(end),
                    last_day_number=self.day_number(last),
                )
            )
            start = add_months(start, 3)
        return quarters

    def day_number(self, day: date) -> int:
        return (day - self.origin).days

    def date_of(self, day_number: int) -> date:
        return self.origin + timedelta(days=int(day_number))

    def dates(self, day_numbers: np.ndarray) -> np.ndarray:
        """'YYYY-MM-DD' text for an array of day numbers."""
        return self.day_text[day_numbers]

    def timestamps(self, day_numbers: np.ndarray, seconds: np.ndarray) -> np.ndarray:
        """'YYYY-MM-DD HH:MM:SS' text for arrays of day numbers and seconds of the day."""
        return (self.day_text[day_numbers] + " ") + time_of_day_text()[seconds]


def timestamp_text(day: date, seconds: int) -> str:
    """One timestamp as SQLite text, for the few scalar rows (org, catalog, campaigns)."""
    return f"{day.isoformat()} {time_of_day_text()[seconds]}"
