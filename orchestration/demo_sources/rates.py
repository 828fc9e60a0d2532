"""The dials of the demo world, in one place. Rates are shares (0.03 = 3%).

Tuned so that, at the default scale, the handbook's ratios come out roughly right:
new customers bring ~40% of revenue, core/new/long-tail products ~60/30/10, a new
customer's first order is worth ~4,800, ~10% of churned customers come back.
"""

from __future__ import annotations

# ---------------------------------------------------------------- pace
DEFAULT_SCALE_ORDERS = 12_000  # orders per quarter the campaign KPIs below are sized for
GROWTH_PER_QUARTER = 0.03  # mild growth: each quarter sells 3% more orders than the last
WEEKDAY_WEIGHTS = (1.0, 1.0, 1.0, 1.0, 1.05, 0.5, 0.3)  # Monday..Sunday
QUARTER_END_PUSH_DAYS = 10  # the last days of a quarter, when everybody closes deals
QUARTER_END_PUSH = 1.2
LAGGING_FROM_WEEK = 3  # lagging groups fall behind from the third week of the quarter
DAILY_PACE_NOISE = 0.06  # lognormal sigma of a rep's day, before rounding to orders

# ---------------------------------------------------------------- customers
CHURN_WINDOW_DAYS = 180  # no order for longer than this: the customer has churned
RECALL_RATE = 0.10  # share of a rep's churned customers who order again in a quarter
NEW_CUSTOMER_ORDER_SHARE = {  # share of a rep's orders that are a new customer's first
    "sales": 0.38,
    "top_sales": 0.35,
    "newcomer": 0.50,
    "customer_success": 0.10,
    "channel_manager": 0.40,
}
LOYALTY_SKEW = 2.0  # >1: loyal customers reorder far more often than the rest
COLLEAGUE_ORDER_SHARE = 0.04  # orders booked by a colleague in the owner's group
PROFILE_EDIT_SHARE = 0.05  # customers whose record is edited after creation

# ---------------------------------------------------------------- orders
LINES_PER_ORDER_WEIGHTS = (0.15, 0.35, 0.35, 0.15)  # 1..4 lines; 2.5 on average
FIRST_ORDER_LINES_WEIGHTS = (0.06, 0.36, 0.39, 0.19)  # a new customer's first basket
# Share of lines per product tier (core, new, long_tail), by the selling group's kind.
TIER_MIX = {
    "star": (0.36, 0.28, 0.36),
    "normal": (0.36, 0.28, 0.36),
    "newcomer": (0.36, 0.28, 0.36),
    "new_product_squad": (0.15, 0.70, 0.15),
}
EXTRA_UNITS_MEAN = (0.15, 0.4, 2.5)  # quantity = 1 + Poisson(mean), by tier
NEW_PRODUCT_RECENCY = 0.35  # chance a new-product line is the latest launch (geometric)
DISCOUNTED_LINE_SHARE = 0.25
DISCOUNT_RATES = (0.05, 0.08, 0.10, 0.15)
LATE_UPDATE_SHARE = 0.03  # orders later cancelled or refunded
LATE_CANCEL_SHARE = 0.4  # of those: cancelled within days; the rest refunded within weeks
CANCEL_DELAY_DAYS = (1, 6)
REFUND_DELAY_DAYS = (7, 45)
BUSINESS_HOURS = (8, 22)  # orders are placed between 08:00 and 21:59

# ---------------------------------------------------------------- products
CORE_PRODUCTS = 30
LONG_TAIL_PRODUCTS = 50
NEW_PRODUCTS_PER_QUARTER = 3
NEW_PRODUCT_LAUNCH_DAYS = (12, 38, 64)  # day of the quarter, plus a few days of jitter
CORE_PRICE_RANGE = (1_600, 3_600)
NEW_PRICE_RANGE = (999, 1_399)
LONG_TAIL_PRICE_RANGE = (39, 299)

# ---------------------------------------------------------------- leads and campaigns
LEAD_CONVERSION_RATE = 0.30  # converted leads / leads created
LEAD_LEAD_TIME_DAYS = 28  # a converted lead was created up to this many days before
ORGANIC_SOURCES = {"website": 0.45, "referral": 0.35, "online_ads": 0.20}
CHANNEL_ORGANIC_SOURCES = {"website": 0.5, "referral": 0.5}
TRADE_SHOW_CONVERTED_SHARE = 0.2  # at most this share of a show's leads became customers
CAMPAIGN_DELIVERY = (0.95, 1.3)  # outcome / KPI target of a campaign that works
UNDER_DELIVERY = (0.45, 0.7)  # ... and of the one campaign per quarter that does not
CAMPAIGN_SPEND_RATIO = (0.85, 1.0)  # spend / budget of a working campaign

# ---------------------------------------------------------------- inventory
CORE_REORDER_DAYS = 10  # core stock is reordered on Mondays below this many days of demand
CORE_TARGET_DAYS = 21  # ... up to this many days of demand
LONG_TAIL_QUARTER_SELL_SHARE = 0.22  # long-tail stock is topped up once a quarter
NEW_LAUNCH_SELL_THROUGH = (0.08, 0.22)  # first-30-day sales / launch stock
NEW_LAUNCH_WINDOW_DAYS = 30
