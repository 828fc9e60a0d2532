from datetime import date, datetime

import pytest

from orchestration.partitions import (
    parse_quarter,
    quarter_cron,
    quarter_end_of,
    quarter_label,
    quarter_start_of,
    quarter_starts,
    quarters_partitions_def,
    window_for_partitions,
)


def test_calendar_quarters_have_readable_labels_and_round_trip():
    assert quarter_label(date(2026, 7, 1)) == "2026Q3"
    assert parse_quarter("2026Q3") == date(2026, 7, 1)
    assert parse_quarter("2026q1") == date(2026, 1, 1)
    assert parse_quarter("2026-10-01") == date(2026, 10, 1)
    assert quarter_end_of(date(2026, 7, 1)) == date(2026, 9, 30)
    assert quarter_end_of(date(2024, 1, 1)) == date(2024, 3, 31)


def test_fiscal_year_starting_in_april_names_the_year_it_ends_in():
    assert quarter_cron(4) == "0 0 1 1,4,7,10 *"
    assert quarter_cron(2) == "0 0 1 2,5,8,11 *"
    assert quarter_label(date(2026, 4, 1), fiscal_year_start_month=4) == "2027Q1"
    assert quarter_label(date(2027, 1, 1), fiscal_year_start_month=4) == "2027Q4"
    assert parse_quarter("2027Q1", fiscal_year_start_month=4) == date(2026, 4, 1)
    assert quarter_start_of(date(2026, 3, 15), fiscal_year_start_month=2) == date(2026, 2, 1)


@pytest.mark.parametrize("bad", ["2026Q5", "Q3-2026", "2026-08-01", "2026Q3'; drop table x; --"])
def test_bad_quarters_are_rejected_with_a_hint(bad):
    with pytest.raises(ValueError, match="quarter"):
        parse_quarter(bad)


def test_partitions_include_the_running_quarter():
    partitions = quarters_partitions_def("2024-10-01")
    keys = partitions.get_partition_keys(current_time=datetime(2026, 11, 26))
    assert keys[0] == "2024-10-01"
    assert keys[-1] == "2026-10-01"
    assert len(keys) == 9


def test_first_quarter_must_start_a_quarter():
    with pytest.raises(ValueError, match="not the first day of a fiscal quarter"):
        quarters_partitions_def("2024-11-01")


def test_running_quarter_is_computed_as_of_yesterday():
    window = window_for_partitions(date(2026, 10, 1), date(2027, 1, 1), today=date(2026, 11, 26))
    assert window.dbt_vars() == {
        "quarter_start": "2026-10-01",
        "quarter_end": "2026-12-31",
        "as_of_date": "2026-11-25",
        "restated_through": "",
        "fiscal_year_start_month": 1,
    }


def test_restating_counts_status_changes_up_to_yesterday_for_a_closed_quarter():
    kept = window_for_partitions(date(2026, 4, 1), date(2026, 7, 1), today=date(2026, 11, 26))
    restated = window_for_partitions(
        date(2026, 4, 1), date(2026, 7, 1), today=date(2026, 11, 26), restate=True
    )
    pinned = window_for_partitions(
        date(2026, 4, 1),
        date(2026, 7, 1),
        today=date(2026, 11, 26),
        as_of_override=date(2026, 9, 1),
        restate=True,
    )
    assert (kept.as_of_date, kept.restated_through) == (date(2026, 6, 30), None)
    assert (restated.as_of_date, restated.restated_through) == (
        date(2026, 6, 30),
        date(2026, 11, 25),
    )
    assert restated.dbt_env()["SALES_TARGETS_RESTATED_THROUGH"] == "2026-11-25"
    assert pinned.restated_through == date(2026, 9, 1)


def test_closed_quarter_and_backfill_range_are_as_of_their_end():
    closed = window_for_partitions(date(2026, 7, 1), date(2026, 10, 1), today=date(2026, 11, 26))
    assert closed.as_of_date == date(2026, 9, 30)
    backfill = window_for_partitions(
        datetime(2024, 10, 1), datetime(2026, 10, 1), today=date(2026, 11, 26)
    )
    assert (backfill.quarter_start, backfill.quarter_end) == (date(2024, 10, 1), date(2026, 9, 30))
    assert backfill.as_of_date == date(2026, 9, 30)


def test_as_of_override_is_clamped_to_the_window():
    pinned = window_for_partitions(
        date(2026, 7, 1),
        date(2026, 10, 1),
        today=date(2026, 11, 26),
        as_of_override=date(2026, 8, 15),
    )
    assert pinned.as_of_date == date(2026, 8, 15)
    late = window_for_partitions(
        date(2026, 7, 1),
        date(2026, 10, 1),
        today=date(2026, 11, 26),
        as_of_override=date(2027, 1, 1),
    )
    assert late.as_of_date == date(2026, 9, 30)


def test_future_quarter_has_nothing_to_compute():
    with pytest.raises(ValueError, match="has not begun"):
        window_for_partitions(date(2027, 1, 1), date(2027, 4, 1), today=date(2026, 11, 26))


def test_dbt_gets_the_window_as_environment_variables_not_vars():
    from orchestration.settings import Settings
    from orchestration.transform.assets import PIPELINE_BUILD
    from orchestration.transform.project import dbt_env

    window = window_for_partitions(
        date(2026, 7, 1), date(2026, 10, 1), today=date(2026, 11, 26), fiscal_year_start_month=1
    )
    environment = dbt_env(Settings(fiscal_year_start_month=1), window)
    expected = {
        "SALES_TARGETS_QUARTER_START": "2026-07-01",
        "SALES_TARGETS_QUARTER_END": "2026-09-30",
        "SALES_TARGETS_AS_OF_DATE": "2026-09-30",
        "SALES_TARGETS_FISCAL_YEAR_START_MONTH": "1",
    }
    assert {name: environment.get(name) for name in expected} == expected
    # --vars would make dbt re-parse the whole project for every new window
    assert "--vars" not in PIPELINE_BUILD
    assert "SALES_TARGETS_QUARTER_START" not in dbt_env(Settings())


def test_run_quarters_come_from_the_partition_tags():
    from orchestration.settings import Settings
    from orchestration.transform.assets import run_quarter_labels

    settings = Settings()
    assert run_quarter_labels({"dagster/partition": "2026-07-01"}, settings) == ["2026Q3"]
    assert run_quarter_labels(
        {
            "dagster/asset_partition_range_start": "2025-10-01",
            "dagster/asset_partition_range_end": "2026-04-01",
        },
        settings,
    ) == ["2025Q4", "2026Q1", "2026Q2"]
    assert run_quarter_labels({}, settings) == []


def test_quarter_starts_span_every_quarter_from_the_first_to_the_last():
    assert quarter_starts(date(2024, 10, 1), date(2025, 7, 1)) == [
        date(2024, 10, 1),
        date(2025, 1, 1),
        date(2025, 4, 1),
        date(2025, 7, 1),
    ]
    assert quarter_starts(date(2026, 10, 1), date(2026, 10, 1)) == [date(2026, 10, 1)]
