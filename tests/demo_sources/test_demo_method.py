"""The demo world exercises the sales method: lifecycle, products, teams, campaigns, stock."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd

from orchestration.demo_sources import org
from orchestration.demo_sources.leads import CAMPAIGN_TEMPLATES
from tests.demo_sources.demo_world import (
    CLEAN_LEADS,
    CLEAN_LINES,
    CLEAN_ORDERS,
    REFERENCE_DATE,
    World,
)

QUARTERS = ["2024Q3", "2024Q4"] + [f"{y}Q{q}" for y in (2025, 2026) for q in (1, 2, 3, 4)]


def _quarter(days: pd.Series) -> pd.Series:
    return pd.to_datetime(days).dt.to_period("Q").astype(str)


def _orders(world: World) -> pd.DataFrame:
    orders = world.frame(CLEAN_ORDERS)
    orders["order_date"] = pd.to_datetime(orders["order_date"])
    orders["quarter"] = _quarter(orders["order_date"])
    return orders


def _rep_groups(world: World) -> pd.DataFrame:
    assignments = world.frame("select * from rep_assignments", "crm")
    assignments["valid_from"] = pd.to_datetime(assignments["valid_from"])
    assignments["valid_to"] = pd.to_datetime(assignments["valid_to"]).fillna(pd.Timestamp.max)
    return assignments


def _with_group_as_of_order_date(world: World, frame: pd.DataFrame) -> pd.DataFrame:
    joined = frame.merge(_rep_groups(world), on="rep_id")
    current = (joined["order_date"] >= joined["valid_from"]) & (
        joined["order_date"] < joined["valid_to"]
    )
    return joined[current]


def _week_of_quarter(days: pd.Series) -> pd.Series:
    quarter_start = days.dt.to_period("Q").dt.start_time
    first_monday = quarter_start - pd.to_timedelta(quarter_start.dt.weekday, unit="D")
    return (days - first_monday).dt.days // 7 + 1


def test_new_customers_are_won_every_quarter_through_converted_leads(small_world: World):
    orders = _orders(small_world)
    first_quarter = orders.groupby("customer_id")["quarter"].min()
    won = first_quarter.value_counts()
    assert all(won.get(q, 0) >= 20 for q in QUARTERS), won

    leads = small_world.frame(
        f"select * from ({CLEAN_LEADS}) where customer_id is not null", "crm"
    ).drop_duplicates()
    assert set(leads["customer_id"]) == set(first_quarter.index)
    assert leads["customer_id"].is_unique
    assert (leads["created_at"] <= leads["converted_at"]).all()
    customers = small_world.frame(
        "select distinct customer_id, created_at from customers where customer_id like 'c-0%'",
        "crm",
    )
    converted = leads.set_index("customer_id")["converted_at"]
    assert (customers["created_at"] == converted.reindex(customers["customer_id"]).values).all()
    all_leads = small_world.value("select count(*) from leads where lead_id is not null", "crm")
    assert 0.2 < len(leads) / all_leads < 0.4  # most leads never convert


def test_existing_customers_repurchase_and_churned_ones_are_recalled(small_world: World):
    gaps = small_world.rows(
        f"""with o as (select distinct customer_id, order_date from ({CLEAN_ORDERS})),
            g as (select customer_id, order_date,
                         lag(order_date) over (partition by customer_id order by order_date) prev
                  from o)
            select count(distinct customer_id) from g
            where julianday(order_date) - julianday(prev) > 180"""
    )[0][0]
    assert gaps >= 10  # came back after more than 180 days without an order

    # Lifecycle as the pipeline classifies it at each closed quarter's start.
    orders = _orders(small_world)
    recalled = churned = 0
    for quarter in ("2025Q3", "2025Q4", "2026Q1", "2026Q2", "2026Q3"):
        start = pd.Period(quarter).start_time
        before = orders[orders["order_date"] < start].groupby("customer_id")["order_date"].max()
        buyers = set(orders.loc[orders["quarter"] == quarter, "customer_id"])
        lapsed = set(before[before < start - timedelta(days=180)].index)
        existing = set(before.index) - lapsed
        repurchase_rate = len(existing & buyers) / len(existing)
        assert 0.15 < repurchase_rate < 0.5, (quarter, repurchase_rate)
        recalled += len(lapsed & buyers)
        churned += len(lapsed)
    assert 0.06 < recalled / churned < 0.14


def test_new_products_launch_inside_quarters_and_sell_only_after_launch(small_world: World):
    products = small_world.frame(
        "select distinct product_id, tier, launch_date from products where tier = 'new'"
        " and launch_date < '2099-01-01' and launch_date not like '%-02-30'"
    )
    launch = pd.to_datetime(products["launch_date"])
    starts = launch.dt.to_period("Q").dt.start_time
    assert (launch > starts + timedelta(days=7)).all()  # inside the quarter, not on day one
    launched = _quarter(launch[launch < pd.Timestamp(REFERENCE_DATE)])
    assert set(QUARTERS) <= set(launched)

    lines = small_world.frame(
        f"""select l.product_id, o.order_date from ({CLEAN_LINES}) l
            join ({CLEAN_ORDERS}) o using (order_id)"""
    ).merge(products, on="product_id")
    assert (lines["order_date"] >= lines["launch_date"]).all()
    sold_early = lines[
        pd.to_datetime(lines["order_date"]) < pd.to_datetime(lines["launch_date"]) + timedelta(30)
    ]
    assert sold_early["product_id"].nunique() >= 20


def test_revenue_mix_by_product_tier_is_roughly_60_30_10(small_world: World):
    mix = small_world.frame(
        f"""select p.tier, sum(l.net_amount) revenue from ({CLEAN_LINES}) l
            join (select distinct product_id, tier from products) p using (product_id)
            group by p.tier"""
    ).set_index("tier")["revenue"]
    share = mix / mix.sum()
    assert 0.5 < share["core"] < 0.7
    assert 0.22 < share["new"] < 0.38
    assert 0.06 < share["long_tail"] < 0.15


def test_a_few_percent_of_orders_are_cancelled_or_refunded_later(small_world: World):
    orders = _orders(small_world)
    changed = orders[orders["status"] != "completed"]
    assert set(changed["status"]) == {"cancelled", "refunded"}
    assert 0.015 < len(changed) / len(orders) < 0.05
    delay = (pd.to_datetime(changed["updated_at"]).dt.normalize() - changed["order_date"]).dt.days
    cancelled = changed["status"] == "cancelled"
    assert delay[cancelled].between(1, 6).all() and delay[~cancelled].between(7, 45).all()
    next_quarter = _quarter(changed["updated_at"]) != changed["quarter"]
    assert next_quarter.sum() >= 5
    completed = orders[orders["status"] == "completed"]
    booked_day = completed["order_date"].dt.strftime("%Y-%m-%d")
    assert (completed["updated_at"].str[:10] == booked_day).all()


def test_two_reps_move_group_in_the_middle_of_a_quarter(small_world: World):
    moves = small_world.rows(
        """select a.rep_id, a.group_id, a.valid_to, b.group_id, ga.region_id, gb.region_id
           from rep_assignments a
           join rep_assignments b on b.rep_id = a.rep_id and b.valid_from = a.valid_to
           join sales_groups ga on ga.group_id = a.group_id
           join sales_groups gb on gb.group_id = b.group_id
           order by a.valid_to""",
        "crm",
    )
    assert moves == [
        ("rep-008", "g-t1-normal-01", "2025-05-12", "g-star-01", "tier1", "tier1"),
        ("rep-031", "g-t34-normal-01", "2026-08-17", "g-t34-newcomer-01", "tier3_4", "tier3_4"),
    ]
    open_rows = small_world.value(
        "select count(*) from rep_assignments where valid_to is null", "crm"
    )
    assert open_rows == len(org.REPS)


def test_orders_are_booked_by_a_rep_of_the_customers_region_usually_the_owner(small_world: World):
    orders = _orders(small_world)
    customers = small_world.frame(
        "select distinct customer_id, region_id, owner_rep_id from customers", "crm"
    )
    booked = _with_group_as_of_order_date(small_world, orders).merge(customers, on="customer_id")
    region_of = {g.group_id: g.region_id for g in org.GROUPS}
    assert len(booked) == len(orders)
    assert (booked["group_id"].map(region_of) == booked["region_id"]).all()
    by_owner = (booked["rep_id"] == booked["owner_rep_id"]).mean()
    assert 0.9 < by_owner < 1.0


def test_lagging_groups_sell_less_per_rep_than_every_other_group(small_world: World):
    orders = _orders(small_world)
    revenue = small_world.frame(
        f"select order_id, sum(net_amount) revenue from ({CLEAN_LINES}) group by order_id"
    )
    sales = _with_group_as_of_order_date(small_world, orders.merge(revenue, on="order_id"))
    from_week_3 = sales[_week_of_quarter(sales["order_date"]) >= 3]
    revenue_by_group = from_week_3.groupby("group_id")["revenue"].sum()

    # Rep-days of membership in weeks 3+ of every quarter, up to the reference date.
    days = pd.Series(pd.date_range("2024-07-01", REFERENCE_DATE - timedelta(days=1)))
    days = days[_week_of_quarter(days) >= 3].to_numpy()
    rep_days = {}
    for row in _rep_groups(small_world).itertuples():
        member = (days >= row.valid_from.to_datetime64()) & (days < row.valid_to.to_datetime64())
        rep_days[row.group_id] = rep_days.get(row.group_id, 0) + int(np.sum(member))
    per_rep_day = revenue_by_group / pd.Series(rep_days)

    lagging = per_rep_day[list(org.LAGGING_GROUPS)]
    others = per_rep_day.drop(list(org.LAGGING_GROUPS))
    assert len(others) == len(org.GROUPS) - len(org.LAGGING_GROUPS)
    assert lagging.max() < others.min(), per_rep_day.round(0).to_dict()


def test_weekends_are_quiet_and_quarters_end_with_a_push(small_world: World):
    orders = _orders(small_world)
    per_day = orders.groupby("order_date").size()
    per_day = per_day.reindex(pd.date_range("2024-07-01", "2026-11-25"), fill_value=0)
    weekend = per_day.index.weekday >= 5
    assert per_day[weekend].mean() < 0.6 * per_day[~weekend].mean()
    closed = per_day[per_day.index < pd.Timestamp("2026-10-01")]
    quarter_end = closed.index.to_period("Q").end_time.normalize()
    last_ten = (quarter_end - closed.index).days < 10
    assert closed[last_ten].mean() > 1.1 * closed[~last_ten].mean()


def test_campaigns_follow_the_handbook_and_one_a_quarter_spends_all_but_misses(
    small_world: World,
):
    campaigns = small_world.frame("select * from campaigns", "crm")
    spend = small_world.frame(
        "select campaign_id, sum(amount) spent, count(*) days from campaign_spend group by 1",
        "crm",
    )
    campaigns = campaigns.merge(spend, on="campaign_id", how="left")
    campaigns["quarter"] = _quarter(campaigns["start_date"])
    ads = campaigns[campaigns["campaign_id"].str.endswith("-ads")]
    shows = campaigns[campaigns["campaign_id"].str.endswith("-show")]
    assert (ads["budget"] == 500_000).all() and (shows["budget"] == 200_000).all()
    assert (pd.to_datetime(ads["start_date"]).dt.day == 1).all()
    assert (
        (pd.to_datetime(shows["end_date"]) - pd.to_datetime(shows["start_date"]))
        .eq(timedelta(days=2))
        .all()
    )
    assert (campaigns["spent"].fillna(0) <= campaigns["budget"] + 0.005).all()

    leads = small_world.frame(
        f"""select campaign_id, source, created_at, customer_id from ({CLEAN_LEADS})
            where campaign_id is not null""",
        "crm",
    ).merge(campaigns, on="campaign_id", suffixes=("", "_campaign"))
    assert (leads["source"] == leads["source_campaign"]).all()
    day = leads["created_at"].str[:10]
    assert ((day >= leads["start_date"]) & (day <= leads["end_date"])).all()

    kpi = {t.key: (t.kpi, t.kpi_target) for t in CAMPAIGN_TEMPLATES}
    outcome = leads.groupby("campaign_id").agg(
        leads=("source", "size"), new_customers=("customer_id", "count")
    )
    closed = campaigns[campaigns["quarter"].isin(QUARTERS[1:-1])].set_index("campaign_id")
    for quarter, group in closed.groupby("quarter"):
        index = QUARTERS.index(quarter)
        scale = 300 / 12_000 * 1.03 ** (index - 1)
        missed = []
        for campaign_id, row in group.iterrows():
            measure, target = kpi[campaign_id.rsplit("-", 1)[1]]
            actual = outcome[measure].get(campaign_id, 0)
            if abs(row["spent"] - row["budget"]) < 0.005 and actual < 0.8 * target * scale:
                missed.append(campaign_id)
        assert missed, f"{quarter}: no campaign spent its budget and missed its KPI"


def test_inventory_balances_and_long_tail_stock_shrinks_each_quarter(small_world: World):
    stock = small_world.frame(
        """select s.*, p.tier, p.launch_date from inventory_snapshots s
           join (select distinct product_id, tier, launch_date from products) p
           using (product_id) order by product_id, snapshot_date"""
    )
    assert (stock["units_on_hand"] >= 0).all()
    launches = stock[(stock["tier"] == "new") & (stock["snapshot_date"] == stock["launch_date"])]
    assert len(launches) >= 25 and (launches["units_received"] > 0).all()

    long_tail = stock[stock["tier"] == "long_tail"].groupby("snapshot_date")["units_on_hand"].sum()
    long_tail.index = pd.to_datetime(long_tail.index)
    for quarter, days in long_tail.groupby(long_tail.index.to_period("Q")):
        if str(quarter) in QUARTERS[:-1]:
            reduction = 1 - days.iloc[-1] / days.iloc[0]
            assert 0.1 < reduction < 0.35, (quarter, reduction)

    # Units on hand move by receipts minus shipped units (every line not cancelled).
    shipped = small_world.frame(
        f"""select l.product_id, o.order_date snapshot_date, sum(l.quantity) shipped
            from ({CLEAN_LINES}) l join ({CLEAN_ORDERS}) o using (order_id)
            where o.status != 'cancelled' group by 1, 2"""
    )
    stock = stock.merge(shipped, on=["product_id", "snapshot_date"], how="left").fillna(
        {"shipped": 0}
    )
    previous = stock.groupby("product_id")["units_on_hand"].shift(1).fillna(0)
    balance = previous + stock["units_received"] - stock["shipped"]
    assert (balance == stock["units_on_hand"]).all()


def test_customer_personal_data_is_fake_but_well_formed(small_world: World):
    people = small_world.frame(
        "select distinct customer_id, customer_name, email, phone from customers"
        " where customer_id like 'c-0%'",
        "crm",
    )
    assert people["customer_name"].str.fullmatch(r"[A-Z][a-z]+ [A-Z][a-z]+").all()
    assert people["email"].str.fullmatch(r"[a-z]+\.[a-z]+\d+@example\.(com|net|org)").all()
    assert people["phone"].str.fullmatch(r"\+86 1\d{2} \d{4} \d{4}").all()
    assert people["email"].is_unique and people["customer_id"].is_unique


def test_org_tables_hold_exactly_the_fixed_organisation(small_world: World):
    regions = small_world.rows("select region_id, region_name, tier from regions", "crm")
    assert regions == [(r.region_id, r.region_name, r.tier) for r in org.REGIONS]
    groups = small_world.rows(
        "select group_id, region_id, group_kind, lead_rep_id from sales_groups", "crm"
    )
    assert groups == [
        ("g-star-01", "tier1", "star", "rep-001"),
        ("g-t1-normal-01", "tier1", "normal", "rep-006"),
        ("g-np-squad-01", "tier1", "new_product_squad", "rep-011"),
        ("g-t2-normal-01", "tier2", "normal", "rep-015"),
        ("g-t2-normal-02", "tier2", "normal", "rep-020"),
        ("g-t34-newcomer-01", "tier3_4", "newcomer", "rep-025"),
        ("g-t34-normal-01", "tier3_4", "normal", "rep-030"),
        ("g-channel-01", "channel", "normal", "rep-035"),
    ]
    reps = small_world.frame("select * from reps", "crm")
    assert list(reps["rep_id"]) == [f"rep-{i:03d}" for i in range(1, 41)]
    assert reps["email"].str.fullmatch(r"[a-z]+\.[a-z]+@example\.com").all()
    assert reps["monthly_salary"].between(8_000, 30_000).all()
    assert (pd.to_datetime(reps["hire_date"]) < pd.Timestamp(date(2024, 7, 1))).all()


def test_group_make_up_follows_the_brief():
    home = pd.DataFrame([(r.home_group_id, r.role) for r in org.REPS], columns=["group", "role"])
    sizes = home.groupby("group").size()
    assert sizes.between(4, 6).all() and len(home) == 40
    newcomer_group = home[home["group"] == "g-t34-newcomer-01"]["role"]
    assert (newcomer_group == "newcomer").mean() > 0.5
    assert (home[home["group"] == "g-channel-01"]["role"] == "channel_manager").all()
    assert home[home["role"] == "customer_success"]["group"].nunique() >= 3
    assert org.LAGGING_GROUPS == {"g-t2-normal-02": 0.6, "g-t34-newcomer-01": 0.7}
    before_moves = org.assignment_history(known_before=date(2025, 5, 12))
    assert all(a.valid_to is None for a in before_moves) and len(before_moves) == 40
