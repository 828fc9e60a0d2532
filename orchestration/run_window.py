"""The quarters a run covers and the day it is computed as of, read from one place.

Every asset and check, the runner and the CLI build a `RunWindow` here, from a run's tags,
a partition key or range, or the CLI's options. Pure: no Dagster context, no clock.

Precedence of a run's tags (`RunWindow.from_tags`):
1. a partition range, `dagster/asset_partition_range_start` + `_end` (a single-run
   backfill), wins over
2. a single partition, `dagster/partition`;
3. neither: an unpartitioned run, which covers no quarter.
Independently of the quarters, `sales_targets/as_of_date` pins the as-of day (otherwise
yesterday, capped at the window's last day) and `sales_targets/restate` restates closed
quarters when it is exactly "true". A range with one end missing is an error.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from orchestration.partitions import (
    QuarterWindow,
    add_months,
    parse_date,
    quarter_label,
    quarter_labels,
    window_for_partitions,
)

PARTITION_TAG = "dagster/partition"
RANGE_START_TAG = "dagster/asset_partition_range_start"
RANGE_END_TAG = "dagster/asset_partition_range_end"
AS_OF_TAG = "sales_targets/as_of_date"
# "true" on a run that restates closed quarters with the status changes recorded since
RESTATE_TAG = "sales_targets/restate"
# the run's quarters for people reading the run list (`2025Q4-2026Q3`); never read back
QUARTERS_TAG = "sales_targets/quarters"


def today_in(timezone: str) -> date:
    return datetime.now(ZoneInfo(timezone)).date()


def _tag_date(tags: Mapping[str, str], tag: str) -> date | None:
    value = tags.get(tag)
    return parse_date(value, f"run tag {tag}") if value else None


@dataclass(frozen=True)
class RunWindow:
    """Quarters [first_quarter, last_quarter] (their first days), or none; as-of; restate."""

    first_quarter: date | None = None
    last_quarter: date | None = None
    as_of_override: date | None = None
    restate: bool = False

    def __post_init__(self) -> None:
        if (self.first_quarter is None) != (self.last_quarter is None):
            raise ValueError(
                f"run window needs both a first and a last quarter, got "
                f"{self.first_quarter}..{self.last_quarter}"
            )
        if self.first_quarter and self.last_quarter and self.last_quarter < self.first_quarter:
            raise ValueError(
                f"run window {self.first_quarter}..{self.last_quarter} ends before it starts"
            )

    @classmethod
    def from_tags(cls, tags: Mapping[str, str]) -> RunWindow:
        """The window of a Dagster run, by the precedence in the module docstring."""
        start, end = _tag_date(tags, RANGE_START_TAG), _tag_date(tags, RANGE_END_TAG)
        if (start is None) != (end is None):
            missing = RANGE_END_TAG if end is None else RANGE_START_TAG
            raise ValueError(f"run tags set a partition range without {missing}")
        if start is None:
            start = end = _tag_date(tags, PARTITION_TAG)
        return cls(
            first_quarter=start,
            last_quarter=end,
            as_of_override=_tag_date(tags, AS_OF_TAG),
            restate=tags.get(RESTATE_TAG) == "true",
        )

    @classmethod
    def from_partition_key(
        cls, key: str, as_of: date | None = None, restate: bool = False
    ) -> RunWindow:
        quarter = parse_date(key, "partition key")
        return cls(quarter, quarter, as_of, restate)

    @classmethod
    def from_partition_range(
        cls, start_key: str, end_key: str, as_of: date | None = None, restate: bool = False
    ) -> RunWindow:
        """A backfill range given by its first and last partition keys (both included)."""
        return cls(
            parse_date(start_key, "partition range start"),
            parse_date(end_key, "partition range end"),
            as_of,
            restate,
        )

    @classmethod
    def from_quarters(
        cls,
        first: date,
        last: date | None = None,
        as_of: date | None = None,
        restate: bool = False,
    ) -> RunWindow:
        """The CLI's `--quarter` / `--from --to`, `--as-of` and `--restate`."""
        return cls(first, last or first, as_of, restate)

    @property
    def partitioned(self) -> bool:
        return self.first_quarter is not None

    @property
    def partition_key(self) -> str | None:
        """The one partition of a single-quarter window (a range runs without one)."""
        if self.first_quarter is not None and self.first_quarter == self.last_quarter:
            return self.first_quarter.isoformat()
        return None

    def quarter_labels(self, fiscal_year_start_month: int = 1) -> list[str]:
        """`['2025Q4', '2026Q1']` for the window's quarters; empty when unpartitioned."""
        if self.first_quarter is None or self.last_quarter is None:
            return []
        return quarter_labels(self.first_quarter, self.last_quarter, fiscal_year_start_month)

    def run_tags(self, fiscal_year_start_month: int = 1) -> dict[str, str]:
        """Tags that launch this window; a single quarter also needs `partition_key`."""
        tags: dict[str, str] = {}
        if self.as_of_override:
            tags[AS_OF_TAG] = self.as_of_override.isoformat()
        if self.restate:
            tags[RESTATE_TAG] = "true"
        if self.first_quarter is None or self.last_quarter is None:
            return tags
        if self.partition_key is None:
            tags[RANGE_START_TAG] = self.first_quarter.isoformat()
            tags[RANGE_END_TAG] = self.last_quarter.isoformat()
        labels = [quarter_label(self.first_quarter, fiscal_year_start_month)]
        if self.partition_key is None:
            labels.append(quarter_label(self.last_quarter, fiscal_year_start_month))
        tags[QUARTERS_TAG] = "-".join(labels)
        return tags

    def dbt_window(self, today: date, fiscal_year_start_month: int = 1) -> QuarterWindow:
        """The dbt window (quarter start/end, as-of, restated-through) of a partitioned run."""
        if self.first_quarter is None or self.last_quarter is None:
            raise ValueError("an unpartitioned run has no quarter window for dbt")
        return window_for_partitions(
            self.first_quarter,
            add_months(self.last_quarter, 3),
            today=today,
            as_of_override=self.as_of_override,
            fiscal_year_start_month=fiscal_year_start_month,
            restate=self.restate,
        )

    def as_of_date(self, today: date) -> date | None:
        """What the run's models were built as of: the dbt window's as-of day; for an
        unpartitioned run only a pinned as-of day, else None."""
        if not self.partitioned:
            return self.as_of_override
        return self.dbt_window(today).as_of_date
