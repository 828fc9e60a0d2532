"""Columns shared by several published tables, and the value sets they draw on.

A table whose column means something slightly different takes `COLUMN.but(...)`, so the
difference is written where it applies and nowhere else.
"""

from models.marts import DIMENSIONS, METRICS, QUARTER_PATTERN, WARNING_LEVELS
from models.registry.schema import Column
from models.registry.sources.fields import PRODUCT_TIERS as RAW_PRODUCT_TIERS

# ---------------------------------------------------------------- value sets
PROGRESS_FLAGS = ("on_track", *WARNING_LEVELS)
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

# ---------------------------------------------------------------- shared columns
QUARTER = Column("quarter", "varchar", "Quarter label, e.g. 2026Q3.", pattern=QUARTER_PATTERN)
NODE_ID = Column("node_id", "varchar", "Stable path of the node.", min_length=1)
PARENT_NODE_ID = Column(
    "parent_node_id", "varchar", "Path of the parent node; null for total.", nullable=True
)
DIMENSION = Column(
    "dimension",
    "varchar",
    "total, customer, product, team or responsibility.",
    isin=tuple(DIMENSIONS),
)
TREE_LEVEL = Column(
    "level",
    "integer",
    "Depth in the tree (total 0, segments 1, groups and KPI nodes 2, reps 3).",
    ge=0,
    le=3,
)
NODE_NAME = Column(
    "node_name", "varchar", "Name shown to people (segment, group or rep name).", nullable=True
)
METRIC = Column("metric", "varchar", "revenue, units, customers or rate.", isin=tuple(METRICS))
WEEK_START = Column("week_start", "date", "Monday of the week.")
WEEK_NUMBER = Column(
    "week_number", "integer", "Week of the quarter (week 1 holds its first day).", ge=1, le=15
)
AS_OF_DATE = Column("as_of_date", "date", "Day the numbers are as of.")
ACTUAL_VALUE = Column("actual_value", "double", "Actual as of the as-of date.", nullable=True)
COMPLETION = Column("completion", "double", "actual / target.", ge=0, nullable=True)
IS_PROVISIONAL = Column(
    "is_provisional", "boolean", "The quarter is still running (as-of date before its last day)."
)
