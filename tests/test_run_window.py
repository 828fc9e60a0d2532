"""`RunWindow`: every form of a run's tags, the documented precedence, and the CLI's options.

Expected dates are worked out by hand from the rules in orchestration/run_window.py:
a running quarter is computed as of yesterday, a closed one as of its last day.
"""

from datetime import date

import pytest

from orchestration.run_window import (
    AS_OF_TAG,
    PARTITION_TAG,
    QUARTERS_TAG,
    RANGE_END_TAG,
    RANGE_START_TAG,
    RESTATE_TAG,
    RunWindow,
)

TODAY = date(2026, 11, 26)


def test_a_single_partition_is_one_quarter_as_of_yesterday():
    window = RunWindow.from_tags({PARTITION_TAG: "2026-10-01"})
    assert window == RunWindow(date(2026, 10, 1), date(2026, 10, 1))
    assert window.partition_key == "2026-10-01"
    assert window.quarter_labels() == ["2026Q4"]
    dbt = window.dbt_window(TODAY)
    assert (dbt.quarter_start, dbt.quarter_end, dbt.as_of_date) == (
        date(2026, 10, 1),
        date(2026, 12, 31),
        date(2026, 11, 25),
    )
    assert dbt.restated_through is None


def test_a_backfill_range_covers_every_quarter_through_its_last_partition():
    window = RunWindow.from_tags({RANGE_START_TAG: "2025-10-01", RANGE_END_TAG: "2026-04-01"})
    assert window.partition_key is None  # a range runs without a single partition
    assert window.quarter_labels() == ["2025Q4", "2026Q1", "2026Q2"]
    dbt = window.dbt_window(TODAY)
    # every quarter of the range is closed: as of the range's last day
    assert (dbt.quarter_start, dbt.quarter_end, dbt.as_of_date) == (
        date(2025, 10, 1),
        date(2026, 6, 30),
        date(2026, 6, 30),
    )
    assert window.quarter_labels(fiscal_year_start_month=4) == ["2026Q3", "2026Q4", "2027Q1"]


def test_an_as_of_tag_pins_the_day_and_restate_needs_exactly_true():
    pinned = RunWindow.from_tags(
        {PARTITION_TAG: "2026-07-01", AS_OF_TAG: "2026-08-14", RESTATE_TAG: "true"}
    )
    dbt = pinned.dbt_window(TODAY)
    assert dbt.as_of_date == date(2026, 8, 14)
    assert dbt.restated_through == date(2026, 8, 14)
    assert not RunWindow.from_tags({PARTITION_TAG: "2026-07-01", RESTATE_TAG: "yes"}).restate
    closed = RunWindow.from_tags({PARTITION_TAG: "2026-04-01", RESTATE_TAG: "true"})
    # a restated closed quarter keeps its as-of day but counts changes known by yesterday
    assert closed.dbt_window(TODAY).as_of_date == date(2026, 6, 30)
    assert closed.dbt_window(TODAY).restated_through == date(2026, 11, 25)


def test_no_partition_tags_is_an_unpartitioned_run():
    window = RunWindow.from_tags({})
    assert not window.partitioned
    assert window.quarter_labels() == []
    assert window.as_of_date(TODAY) is None
    assert RunWindow.from_tags({AS_OF_TAG: "2026-08-01"}).as_of_date(TODAY) == date(2026, 8, 1)
    with pytest.raises(ValueError, match="unpartitioned"):
        window.dbt_window(TODAY)


def test_a_range_wins_over_a_single_partition():
    window = RunWindow.from_tags(
        {PARTITION_TAG: "2026-07-01", RANGE_START_TAG: "2026-01-01", RANGE_END_TAG: "2026-04-01"}
    )
    assert window.quarter_labels() == ["2026Q1", "2026Q2"]


def test_malformed_tags_are_named():
    with pytest.raises(ValueError, match=RANGE_END_TAG):
        RunWindow.from_tags({RANGE_START_TAG: "2026-01-01"})
    with pytest.raises(ValueError, match=f"run tag {PARTITION_TAG}"):
        RunWindow.from_tags({PARTITION_TAG: "2026Q3"})
    with pytest.raises(ValueError, match="ends before it starts"):
        RunWindow.from_tags({RANGE_START_TAG: "2026-04-01", RANGE_END_TAG: "2026-01-01"})


def test_the_cli_options_round_trip_through_the_run_tags():
    single = RunWindow.from_quarters(date(2026, 7, 1), as_of=date(2026, 8, 14), restate=True)
    tags = single.run_tags()
    assert tags == {AS_OF_TAG: "2026-08-14", RESTATE_TAG: "true", QUARTERS_TAG: "2026Q3"}
    # Dagster adds the partition tag of a single-partition run itself
    assert RunWindow.from_tags({**tags, PARTITION_TAG: single.partition_key}) == single

    backfill = RunWindow.from_quarters(date(2025, 10, 1), date(2026, 7, 1))
    tags = backfill.run_tags()
    assert tags == {
        RANGE_START_TAG: "2025-10-01",
        RANGE_END_TAG: "2026-07-01",
        QUARTERS_TAG: "2025Q4-2026Q3",
    }
    assert RunWindow.from_tags(tags) == backfill


def test_partition_keys_and_ranges_build_the_same_windows_as_tags():
    assert RunWindow.from_partition_key("2026-07-01") == RunWindow.from_tags(
        {PARTITION_TAG: "2026-07-01"}
    )
    assert RunWindow.from_partition_range("2025-10-01", "2026-04-01") == RunWindow.from_tags(
        {RANGE_START_TAG: "2025-10-01", RANGE_END_TAG: "2026-04-01"}
    )
