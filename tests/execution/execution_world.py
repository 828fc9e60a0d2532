"""The actuals world (tests/actuals/actuals_world.py) plus what execution and incentives need,
every number below computed by hand.

Added to the world:
- 2026Q2 is planned (total 4,000.00; the 2026Q3 sets start in 2026Q2), so rep-1's 2026Q2
  target is 4,000 x 50% (tier1) x 1/2 (g-a of two equal groups) x 1/2 (two reps) = 500.00;
  its 2026Q2 revenue is orders 4 (400.00) + 5 (350.00) = 750.00: 150%.
- order 7: E2 buys 200.00 of new products from rep-3 on 10 Jun 2026 (2026Q2), refunded on
  20 Jul 2026: counted in 2026Q2 (existing x new 3% = 6.00), clawed back in 2026Q3 (-6.00).
- the handbook's action examples in September 2026 (docs/plan.md, actions.csv):
  online ads 1-30 Sep, budget 500,000, 400 new customers: 350 online_ads leads in the window,
    300 converted (plus one lead of 31 Aug, outside): 300 / 400 = 75%; spend 250,000 x 2 =
    500,000 -> budget_spent_kpi_missed; cost per customer 500,000 / 300 = 1,666.67;
  trade show 15-17 Sep, budget 200,000, 500 leads: 520 trade_show leads in the window (10 more
    on 18 Sep), 104%; spend 100,000 + 120,000 = 220,000 -> over_budget; per lead 423.08;
  channel partners 1-30 Sep, 100 customers, no budget: 90 converted leads, 90% -> on_track;
  customer-success call-backs 1-14 Sep, repurchase rate 25%: existing at the start E1, E2;
    E1 orders on 14 Sep -> 1/2 = 50%, completion 200%;
  loyal-customer promotion 11-20 Sep, AOV lift 15%: the existing segment's order in the
    window is 108 (400.00); last quarter's existing AOV (E2: 400 + 200) / 2 = 300 ->
    lift 1/3, completion 222.2%;
  churn win-back 21-30 Sep, recall 10%, budget 50,000 (no campaign): churned at the start CH,
    CH2, neither orders in the window -> 0%, kpi_missed.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import duckdb

from tests.actuals.actuals_world import LOADED, _insert, d, ts, write_plan

PLAN_OVERRIDES: dict[str, str] = {
    "actions.csv": (
        "quarter,action_id,action_name,owner,start_date,end_date,budget,budget_line,kpi,"
        "kpi_target,lead_source,campaign_id,note\n"
        "2026Q3,online_ads,Online ads,Marketing,2026-09-01,2026-09-30,500000.00,online_ads,"
        "new_customers,400,online_ads,cmp-ads,\n"
        "2026Q3,trade_show,Trade show,Sales department 1,2026-09-15,2026-09-17,200000.00,"
        "trade_show,leads,500,trade_show,cmp-show,\n"
        "2026Q3,channel_partners,Channel partners,Channel department,2026-09-01,2026-09-30,,,"
        "new_customers,100,channel_partner,,\n"
        "2026Q3,customer_callbacks,Customer-success call-backs,Customer success,2026-09-01,"
        "2026-09-14,,,repurchase_rate,0.25,,,\n"
        "2026Q3,repurchase_promotion,Loyal-customer promotion,Sales department 2,2026-09-11,"
        "2026-09-20,,,aov_lift,0.15,,,\n"
        "2026Q3,churn_winback,Churn win-back mail,Customer service,2026-09-21,2026-09-30,"
        "50000.00,winback_coupons,churn_recall_rate,0.10,,,\n"
    ),
    "resources.csv": (
        "quarter,resource_kind,resource_id,group_id,people_added,budget,"
        "marketing_budget_share,note\n"
        "2026Q3,people,squad_consultants,g-sq,2,,,\n"
        "2026Q3,budget,online_ads,,,500000.00,0.40,\n"
        "2026Q3,budget,trade_show,,,200000.00,0.16,\n"
        "2026Q3,budget,winback_coupons,,,50000.00,0.04,\n"
    ),
}
SETS_FROM_Q2 = (
    "dimension_shares.csv",
    "group_kind_weights.csv",
    "role_weights.csv",
    "responsibilities.csv",
    "kpi_targets.csv",
)
# Sets the fixture takes from the live plan start in 2026Q2 here, so the plan passes
# `plan check` as a whole (its first planned quarter is 2026Q2).
LIVE_SETS = ("warning_lines.csv", "commission_rates.csv", "bonus_tiers.csv", "awards.csv")
LIVE_FIRST_QUARTER = "2024Q4"


def write_execution_plan(live_plan: Path, destination: Path) -> Path:
    """The actuals world's plan with 2026Q2 planned and the fixture's actions and resources;
    commission rates, bonus tiers and awards are the live plan's (the handbook's)."""
    plan = write_plan(live_plan, destination)
    totals = plan / "quarter_totals.csv"
    header, *rows = totals.read_text().splitlines(keepends=True)
    totals.write_text(header + "2026Q2,4000.00,,,5,fixture\n" + "".join(rows))
    for name in SETS_FROM_Q2:
        path = plan / name
        path.write_text(path.read_text().replace("\n2026Q3,", "\n2026Q2,"))
    for name in LIVE_SETS:
        path = plan / name
        path.write_text(path.read_text().replace(f"\n{LIVE_FIRST_QUARTER},", "\n2026Q2,"))
    for name, text in PLAN_OVERRIDES.items():
        (plan / name).write_text(text)
    return plan


def _lead(lead_id: int, source: str, created: str, converted: str | None, customer: str | None):
    return {
        "lead_id": lead_id,
        "source": source,
        "campaign_id": None,
        "rep_id": "rep-1",
        "created_at": ts(created),
        "converted_at": ts(converted) if converted else None,
        "customer_id": customer,
    }


def _september(day_index: int) -> str:
    return (d("2026-09-01") + timedelta(days=day_index % 30)).isoformat()


def add_execution_rows(warehouse: Path) -> None:
    """Order 7 and its refund, the two campaigns with their spend, and the actions' leads."""
    with duckdb.connect(str(warehouse)) as connection:
        for status, recorded_at in (
            ("completed", "2026-06-10 10:00"),
            ("refunded", "2026-07-20 10:00"),
        ):
            _insert(
                connection,
                "orders",
                [
                    {
                        "order_id": 7,
                        "customer_id": "E2",
                        "rep_id": "rep-3",
                        "order_date": d("2026-06-10"),
                        "status": status,
                        "currency": "CNY",
                    }
                ],
                LOADED,
                ts(recorded_at),
            )
        _insert(
            connection,
            "order_lines",
            [
                {
                    "order_line_id": 71,
                    "order_id": 7,
                    "product_id": "p-new",
                    "quantity": 2,
                    "unit_price": "100.00",
                    "discount": "0.00",
                    "net_amount": "200.00",
                }
            ],
            LOADED,
            ts("2026-06-10 10:00"),
        )
        campaigns = [
            ("cmp-ads", "Online ads", "online_ads", "2026-09-01", "2026-09-30", "500000.00"),
            ("cmp-show", "Trade show", "trade_show", "2026-09-15", "2026-09-17", "200000.00"),
        ]
        _insert(
            connection,
            "campaigns",
            [
                {
                    "campaign_id": campaign_id,
                    "campaign_name": name,
                    "source": source,
                    "start_date": d(start),
                    "end_date": d(end),
                    "budget": budget,
                }
                for campaign_id, name, source, start, end, budget in campaigns
            ],
            LOADED,
            ts("2026-08-15 09:00"),
        )
        spend = [
            ("cmp-ads", "2026-09-01", "250000.00"),
            ("cmp-ads", "2026-09-20", "250000.00"),
            ("cmp-show", "2026-09-15", "100000.00"),
            ("cmp-show", "2026-09-16", "120000.00"),
        ]
        _insert(
            connection,
            "campaign_spend",
            [
                {"campaign_id": campaign, "spend_date": d(day), "amount": amount}
                for campaign, day, amount in spend
            ],
            LOADED,
            ts("2026-09-30 09:00"),
        )
        leads, customers = [], []
        lead_id = 1000
        for number in range(350):  # online ads: 300 of 350 convert in the window
            lead_id += 1
            day = _september(number)
            customer = f"ad-{number:03d}" if number < 300 else None
            converted = f"{day} 18:00" if customer else None
            leads.append(_lead(lead_id, "online_ads", f"{day} 09:00", converted, customer))
            customers += [customer] if customer else []
        leads.append(
            _lead(lead_id + 1, "online_ads", "2026-08-31 09:00", "2026-09-02 09:00", "ad-x")
        )
        customers.append("ad-x")
        lead_id += 1
        for number in range(530):  # trade show: 520 in 15-17 Sep, 10 on 18 Sep
            lead_id += 1
            day = f"2026-09-{15 + number % 3:02d}" if number < 520 else "2026-09-18"
            leads.append(_lead(lead_id, "trade_show", f"{day} 11:00", None, None))
        for number in range(90):  # channel partners: 90 customers won
            lead_id += 1
            day = _september(number)
            customer = f"cp-{number:03d}"
            leads.append(
                _lead(lead_id, "channel_partner", f"{day} 10:00", f"{day} 16:00", customer)
            )
            customers.append(customer)
        _insert(
            connection,
            "customers",
            [
                {
                    "customer_id": customer,
                    "customer_name": f"Customer {customer}",
                    "email": f"{customer}@example.com",
                    "phone": "000",
                    "city_tier": "tier1",
                    "region_id": "tier1",
                    "owner_rep_id": "rep-1",
                    "created_at": ts("2026-08-01 09:00"),
                }
                for customer in customers
            ],
            LOADED,
            ts("2026-09-01 09:00"),
        )
        _insert(connection, "leads", leads, LOADED, ts("2026-09-30 20:00"))
