"""The time span, the storage formats and the summary of a generated world."""

from __future__ import annotations

import re
from datetime import date

import pytest

from orchestration.demo_sources import generate_sources
from orchestration.ingest.source_tables import SOURCE_TABLES
from tests.demo_sources.demo_world import CLEAN_LINES, CLEAN_ORDERS, World, generate_world

DATE_TEXT = re.compile(r"^\d{4}-\d{2}-\d{2}$")
TIMESTAMP_TEXT = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$")


def test_orders_run_from_the_history_quarter_to_the_day_before_the_reference_date(
    small_world: World,
):
    span = f"select min(order_date), max(order_date) from ({CLEAN_ORDERS})"
    first, last = small_world.rows(span)[0]
    assert (first, last) == ("2024-07-01", "2026-11-25")
    quarters = small_world.rows(
        f"""select distinct strftime('%Y', order_date) || 'Q' ||
                   ((cast(strftime('%m', order_date) as integer) + 2) / 3)
            from ({CLEAN_ORDERS}) order by 1"""
    )
    expected = ["2024Q3", "2024Q4"] + [f"{y}Q{q}" for y in (2025, 2026) for q in (1, 2, 3, 4)]
    assert [q for (q,) in quarters] == expected
    assert [q.label for q in small_world.summary.quarters] == expected
    assert small_world.summary.quarters[-1].last_day == date(2026, 11, 25)


@pytest.mark.parametrize("source", SOURCE_TABLES, ids=lambda s: s.name)
def test_no_row_changes_on_or_after_the_reference_date(small_world: World, source):
    database = "crm" if source.system == "crm" else "orders"
    latest, rows = small_world.rows(
        f"select max(updated_at), count(*) from {source.name}", database
    )[0]
    assert rows > 0
    assert latest < "2026-11-26"
    stamps = small_world.rows(f"select distinct updated_at from {source.name}", database)
    assert all(TIMESTAMP_TEXT.match(stamp) for (stamp,) in stamps)


def test_dates_and_timestamps_are_stored_as_iso_text(small_world: World):
    orders = small_world.rows(f"select order_date, updated_at from ({CLEAN_ORDERS})")
    assert all(DATE_TEXT.match(day) and TIMESTAMP_TEXT.match(stamp) for day, stamp in orders)
    types = small_world.rows("select distinct typeof(order_date), typeof(updated_at) from orders")
    assert types == [("text", "text")]


@pytest.mark.parametrize(
    ("table", "column", "database"),
    [
        ("order_lines", "unit_price", "orders"),
        ("order_lines", "discount", "orders"),
        ("order_lines", "net_amount", "orders"),
        ("products", "list_price", "orders"),
        ("campaign_spend", "amount", "crm"),
        ("campaigns", "budget", "crm"),
        ("reps", "monthly_salary", "crm"),
    ],
)
def test_money_is_rounded_to_cents(small_world: World, table, column, database):
    amounts = small_world.rows(
        f"select {column} from {table} where typeof({column}) in ('integer', 'real')", database
    )
    assert len(amounts) > 0
    assert all(abs(value * 100 - round(value * 100)) < 1e-6 for (value,) in amounts)


def test_net_amount_is_quantity_times_unit_price_minus_discount(small_world: World):
    columns = "quantity, unit_price, discount, net_amount"
    lines = small_world.rows(f"select {columns} from ({CLEAN_LINES})")
    assert len(lines) > 5_000
    assert all(abs(q * price - discount - net) < 0.005 for q, price, discount, net in lines)
    assert sum(1 for _, _, discount, _ in lines if discount > 0) > len(lines) * 0.1


def test_summary_counts_every_row_written(small_world: World):
    summary = small_world.summary
    for source in SOURCE_TABLES:
        database = "crm" if source.system == "crm" else "orders"
        count = small_world.value(f"select count(*) from {source.name}", database)
        assert summary.rows_per_table[source.name] == count, source.name
    assert summary.order_lines == summary.rows_per_table["order_lines"]
    assert summary.order_lines_per_second == pytest.approx(summary.order_lines / summary.seconds)
    clean_orders = small_world.value(f"select count(*) from ({CLEAN_ORDERS})")
    assert sum(q.orders for q in summary.quarters) == clean_orders


def test_progress_reports_every_quarter(tmp_path):
    messages: list[str] = []
    generate_world(
        tmp_path,
        orders_per_quarter=40,
        first_quarter_start=date(2026, 4, 1),
        progress=messages.append,
    )
    assert [m.split(":")[0] for m in messages] == ["2026Q1", "2026Q2", "2026Q3", "2026Q4"]


def test_sqlite_folders_are_created(tmp_path):
    crm = tmp_path / "deep" / "er" / "crm.sqlite"
    orders = tmp_path / "elsewhere" / "orders.sqlite"
    generate_sources(
        f"sqlite:///{crm}",
        f"sqlite:///{orders}",
        reference_date=date(2025, 1, 15),
        orders_per_quarter=20,
    )
    assert crm.stat().st_size > 0 and orders.stat().st_size > 0


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"reference_date": date(2024, 10, 1)}, "reference_date 2024-10-01 must be after"),
        ({"first_quarter_start": date(2024, 10, 2)}, "must be the first day of a quarter"),
        ({"orders_per_quarter": 0}, "orders_per_quarter must be at least 1"),
        ({"dirty_share": 0.9}, "dirty_share must be in"),
    ],
)
def test_bad_arguments_are_refused_with_a_reason(tmp_path, options, message):
    arguments = {"reference_date": date(2026, 11, 26), **options}
    with pytest.raises(ValueError, match=message):
        generate_sources(
            f"sqlite:///{tmp_path / 'crm.sqlite'}",
            f"sqlite:///{tmp_path / 'orders.sqlite'}",
            **arguments,
        )
