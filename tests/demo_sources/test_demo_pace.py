"""At the default scale the teams sell at their planned pace, steadily, except the laggards.

One history quarter plus two partitions at 12,000 orders a quarter, with no rep move inside.
"""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from orchestration.demo_sources import org
from tests.demo_sources.demo_world import CLEAN_LINES, CLEAN_ORDERS, World, generate_world


@pytest.fixture(scope="module")
def default_scale(tmp_path_factory: pytest.TempPathFactory) -> World:
    return generate_world(
        tmp_path_factory.mktemp("default_scale"),
        orders_per_quarter=12_000,
        first_quarter_start=date(2025, 10, 1),
        reference_date=date(2026, 4, 1),
        dirty_share=0.0,
    )


@pytest.fixture(scope="module")
def sales(default_scale: World) -> pd.DataFrame:
    """Completed order revenue with the booking rep's group, quarter and week of quarter."""
    orders = default_scale.frame(CLEAN_ORDERS)
    revenue = default_scale.frame(
        f"select order_id, sum(net_amount) revenue from ({CLEAN_LINES}) group by order_id"
    )
    moves = "select count(*) from rep_assignments where valid_to >= '2025-07-01'"
    assert default_scale.value(moves, "crm") == 0  # nobody moves inside this span
    groups = default_scale.frame(
        "select rep_id, group_id from rep_assignments where valid_to is null", "crm"
    )
    frame = orders.merge(revenue, on="order_id").merge(groups, on="rep_id")
    frame["order_date"] = pd.to_datetime(frame["order_date"])
    period = frame["order_date"].dt.to_period("Q")
    frame["quarter"] = period.astype(str)
    start = period.dt.start_time
    first_monday = start - pd.to_timedelta(start.dt.weekday, unit="D")
    frame["week"] = (frame["order_date"] - first_monday).dt.days // 7 + 1
    frame["week_start"] = frame["order_date"] - pd.to_timedelta(
        frame["order_date"].dt.weekday, unit="D"
    )
    frame["full_week"] = (frame["week_start"] >= start) & (
        frame["week_start"] + pd.Timedelta(days=6) <= period.dt.end_time
    )
    return frame[frame["status"] == "completed"]


def _pace_from_week_3(sales: pd.DataFrame, measure: str) -> pd.Series:
    """A group's share from week 3 over its share in weeks 1-2, relative to normal groups."""
    early = sales[sales["week"] <= 2].groupby("group_id")[measure].sum()
    late = sales[sales["week"] >= 3].groupby("group_id")[measure].sum()
    pace = (late / late.sum()) / (early / early.sum())
    return pace / pace.drop(list(org.LAGGING_GROUPS)).median()


def test_lagging_groups_sell_at_their_fraction_of_pace_from_week_3(sales: pd.DataFrame):
    orders = _pace_from_week_3(sales.assign(orders=1), "orders")
    revenue = _pace_from_week_3(sales, "revenue")  # baskets add noise: weeks 1-2 are short
    for group_id, fraction in org.LAGGING_GROUPS.items():
        assert orders[group_id] == pytest.approx(fraction, abs=0.05), group_id
        assert revenue[group_id] == pytest.approx(fraction, abs=0.12), group_id
    others = orders.drop(list(org.LAGGING_GROUPS))
    assert others.between(0.95, 1.05).all(), others


def test_groups_bring_their_planned_share_of_revenue_at_full_pace(sales: pd.DataFrame):
    early = sales[sales["week"] <= 2].groupby("group_id")["revenue"].sum()
    share = early / early.sum()
    for group_id in org.GROUP_IDS:
        assert share[group_id] == pytest.approx(org.group_revenue_share(group_id), rel=0.15)


def test_other_groups_rarely_have_a_week_below_85_percent_of_their_average(
    sales: pd.DataFrame,
):
    weeks = (
        sales[sales["full_week"] & ~sales["group_id"].isin(list(org.LAGGING_GROUPS))]
        .groupby(["group_id", "quarter", "week_start"])["revenue"]
        .sum()
    )
    ratio = weeks / weeks.groupby(["group_id", "quarter"]).transform("mean")
    assert len(ratio) >= 6 * 2 * 11
    assert (ratio < 0.85).mean() <= 0.05
    assert ratio.min() > 0.75


def test_a_new_customers_first_basket_is_worth_about_4800(default_scale: World):
    first_orders = default_scale.frame(
        f"""with o as ({CLEAN_ORDERS}),
            numbered as (
                -- ids are text: by length first, so numbered ids keep their numeric order
                select customer_id, order_id, row_number() over (
                    partition by customer_id order by length(order_id), order_id
                ) as order_number
                from o
            ),
            first as (select customer_id, order_id from numbered where order_number = 1)
            select o.order_id, substr(o.order_date, 1, 7) month, sum(l.net_amount) revenue
            from first join o using (order_id) join ({CLEAN_LINES}) l using (order_id)
            where o.order_date >= '2025-10-01' and o.status = 'completed'
            group by o.order_id"""
    )
    assert len(first_orders) > 5_000
    assert first_orders["revenue"].mean() == pytest.approx(4_800, rel=0.08)
