"""Quarter partitions and the pure helpers that turn a partition window into dbt vars.

Partition keys are the quarter's first day (`2026-07-01`); people see `2026Q3`. With a
fiscal year that does not start in January, a fiscal year is named after the calendar
year it ends in (a year starting 2026-04-01 is FY2027, so 2026-04-01 is `2027Q1`).
"""

from __future__ import annotations

import argparse
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import dagster as dg

QUARTER_LABEL = re.compile(r"^(\d{4})Q([1-4])$")


def quarter_start_months(fiscal_year_start_month: int) -> list[int]:
    return sorted(((fiscal_year_start_month - 1 + 3 * i) % 12) + 1 for i in range(4))


def quarter_cron(fiscal_year_start_month: int) -> str:
    months = ",".join(str(m) for m in quarter_start_months(fiscal_year_start_month))
    return f"0 0 1 {months} *"


def quarters_partitions_def(
    first_quarter_start: str, fiscal_year_start_month: int = 1
) -> dg.TimeWindowPartitionsDefinition:
    """One partition per fiscal quarter from `first_quarter_start`, including the current one."""
    start = parse_date(first_quarter_start, "first quarter start")
    if start.day != 1 or start.month not in quarter_start_months(fiscal_year_start_month):
        raise ValueError(
            f"first quarter start {first_quarter_start} is not the first day of a fiscal quarter "
            f"(fiscal year starts in month {fiscal_year_start_month})"
        )
    return dg.TimeWindowPartitionsDefinition(
        cron_schedule=quarter_cron(fiscal_year_start_month),
        start=start.isoformat(),
        fmt="%Y-%m-%d",
        end_offset=1,  # the quarter in progress is a partition too
    )


def parse_date(value: str, what: str = "date") -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise ValueError(
            f"{what} {value!r} is not a calendar date written YYYY-MM-DD (e.g. 2026-08-15)"
        ) from exc


def date_argument(flag: str) -> Callable[[str], date]:
    """An argparse `type` for a date option: a bad value is reported as
    `argument --as-of: --as-of '2026-13-01' is not a calendar date ...`, not as an
    `invalid <lambda> value`."""

    def parse(value: str) -> date:
        try:
            return parse_date(value, flag)
        except ValueError as exc:
            raise argparse.ArgumentTypeError(str(exc)) from None

    parse.__name__ = flag.lstrip("-").replace("-", "_")
    return parse


def quarter_start_of(day: date, fiscal_year_start_month: int = 1) -> date:
    """First day of the fiscal quarter containing `day`."""
    offset = (day.month - fiscal_year_start_month) % 3
    month_index = day.year * 12 + (day.month - 1) - offset
    return date(month_index // 12, month_index % 12 + 1, 1)


def add_months(day: date, months: int) -> date:
    index = day.year * 12 + (day.month - 1) + months
    return date(index // 12, index % 12 + 1, day.day)


def quarter_end_of(quarter_start: date) -> date:
    """Last day (inclusive) of the quarter starting on `quarter_start`."""
    return add_months(quarter_start, 3) - timedelta(days=1)


def quarter_label(quarter_start: date, fiscal_year_start_month: int = 1) -> str:
    """`2026Q3` for the quarter starting 2026-07-01 (January fiscal year)."""
    months_into_year = (quarter_start.month - fiscal_year_start_month) % 12
    number = months_into_year // 3 + 1
    fiscal_year_start = add_months(quarter_start, -months_into_year)
    year = fiscal_year_start.year if fiscal_year_start_month == 1 else fiscal_year_start.year + 1
    return f"{year}Q{number}"


def quarter_starts(first: date, last: date) -> list[date]:
    """The first days of the quarters from `first` through `last` (both quarter starts)."""
    starts, quarter = [], first
    while quarter <= last:
        starts.append(quarter)
        quarter = add_months(quarter, 3)
    return starts


def quarter_labels(first: date, last: date, fiscal_year_start_month: int = 1) -> list[str]:
    """Labels of the quarters starting from `first` through `last` (both quarter starts)."""
    return [quarter_label(start, fiscal_year_start_month) for start in quarter_starts(first, last)]


def parse_quarter(label: str, fiscal_year_start_month: int = 1) -> date:
    """The first day of a quarter given as `2026Q3` (or as its key `2026-07-01`)."""
    text = label.strip().upper()
    match = QUARTER_LABEL.match(text)
    if match:
        year, number = int(match.group(1)), int(match.group(2))
        first_year = year if fiscal_year_start_month == 1 else year - 1
        return add_months(date(first_year, fiscal_year_start_month, 1), 3 * (number - 1))
    try:
        day = date.fromisoformat(label.strip())
    except ValueError:
        raise ValueError(
            f"quarter {label!r} is not a quarter: write it as YYYYQn, e.g. 2026Q3"
        ) from None
    if quarter_start_of(day, fiscal_year_start_month) != day:
        raise ValueError(f"quarter key {label!r} is not the first day of a fiscal quarter")
    return day


@dataclass(frozen=True)
class QuarterWindow:
    """A run's quarters: [quarter_start, quarter_end] inclusive, computed as of `as_of_date`."""

    quarter_start: date
    quarter_end: date
    as_of_date: date
    fiscal_year_start_month: int = 1
    # set by an explicit restatement only: status changes recorded up to this day count for
    # the window's quarters (a closed quarter otherwise keeps the status as of its last day)
    restated_through: date | None = None

    def dbt_vars(self) -> dict[str, str | int]:
        return {
            "quarter_start": self.quarter_start.isoformat(),
            "quarter_end": self.quarter_end.isoformat(),
            "as_of_date": self.as_of_date.isoformat(),
            "restated_through": self.restated_through.isoformat() if self.restated_through else "",
            "fiscal_year_start_month": self.fiscal_year_start_month,
        }

    def dbt_env(self) -> dict[str, str]:
        """The window as the environment variables dbt's `pipeline_var` macro reads.

        Passed as `--vars`, a new window (every night: a new as-of date) would make dbt
        re-parse the whole project; an environment variable re-parses the one model using it.
        """
        return {
            f"SALES_TARGETS_{name.upper()}": str(value) for name, value in self.dbt_vars().items()
        }


def window_for_partitions(
    start: datetime | date,
    end_exclusive: datetime | date,
    today: date,
    as_of_override: date | None = None,
    fiscal_year_start_month: int = 1,
    restate: bool = False,
) -> QuarterWindow:
    """The dbt window for a partition time window (one quarter or a backfill range).

    `as_of_date` is yesterday for a quarter still running and the last day of the range
    for a closed one: what the nightly run knows. An override pins it for reproducing
    a past night. `restate` counts every status change known by yesterday (or the override)
    for the window's quarters, so a closed quarter takes in the refunds recorded after it.
    """
    start_day = start.date() if isinstance(start, datetime) else start
    end_day = end_exclusive.date() if isinstance(end_exclusive, datetime) else end_exclusive
    quarter_end = end_day - timedelta(days=1)
    if quarter_end < start_day:
        raise ValueError(f"empty partition window {start_day}..{end_day}")
    as_of = min(as_of_override or today - timedelta(days=1), quarter_end)
    if as_of < start_day - timedelta(days=1):
        raise ValueError(
            f"quarter starting {start_day} has not begun yet (as of {as_of}): nothing to compute"
        )
    restated_through = (as_of_override or today - timedelta(days=1)) if restate else None
    return QuarterWindow(start_day, quarter_end, as_of, fiscal_year_start_month, restated_through)
