"""Value sets and tolerances the registry's columns and rules draw on, once each."""

from models.registry.sources.fields import PRODUCT_TIERS as RAW_PRODUCT_TIERS

QUARTER_PATTERN = r"^\d{4}Q[1-4]$"
DIMENSIONS = ("total", "customer", "product", "team", "responsibility")
METRICS = ("revenue", "units", "customers", "rate")
MEASURE_KINDS = ("sum", "accumulating_rate", "level_rate")
WARNING_LEVELS = ("amber", "red")
PROGRESS_FLAGS = ("on_track", *WARNING_LEVELS)
# What a node's flag in a week was judged on (fct_progress_weekly.judged_on).
JUDGED_ON = ("week", "to_date")
CUSTOMER_KPIS = (
    "new_customers",
    "lead_conversion_rate",
    "repurchase_rate",
    "aov_lift",
    "churn_recall_rate",
)
PRODUCT_KPIS = ("revenue", "units", "revenue_share", "sell_through_30d", "inventory_reduction")
PRODUCT_TIERS = tuple(RAW_PRODUCT_TIERS)
TEAM_LEVELS = ("region", "group", "rep")
# KPIs that measure a change and may fall below zero; completion then counts as 0.
SIGNED_KPIS = ("aov_lift", "inventory_reduction")
ACTION_KPIS = ("leads", "new_customers", "repurchase_rate", "aov_lift", "churn_recall_rate")
ACTION_FLAGS = (
    "budget_spent_kpi_missed",
    "over_budget",
    "behind_pace",
    "kpi_missed",
    "not_started",
    "not_measured",
    "on_track",
)
REVIEW_SECTIONS = (
    "total",
    "dimension",
    "short_board",
    "best",
    "worst",
    "resources",
    "next_quarter",
)
COMMISSION_LINE_KINDS = ("sale", "clawback")

# Completion is a double computed before its inputs are rounded to DECIMAL(22,6): it must
# match actual / target within 1e-6 plus what rounding each input by half a step can move.
COMPLETION_TOLERANCE = 1e-6
DECIMAL_HALF_STEP = 5e-7
