"""Columns shared by several tables (marts and the published tables that copy them).

A table whose column means something slightly different takes `COLUMN.but(...)`, so the
difference is written where it applies and nowhere else.
"""

from models.registry.schema import Column
from models.registry.values import DIMENSIONS, MEASURE_KINDS, METRICS, QUARTER_PATTERN

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
    isin=DIMENSIONS,
)
TREE_LEVEL = Column(
    "level",
    "integer",
    "Depth in the tree (total 0, segments 1, groups and KPI nodes 2, reps 3).",
    ge=0,
    le=3,
)
NODE_DEPTH = TREE_LEVEL.but(name="node_depth")


def deprecated_alias(column: Column, of: str) -> Column:
    """`column` kept for one release under its old name beside `of`, its new name."""
    return column.but(
        description=f"Deprecated alias of {of}, removed in the next release: " + column.description
    )


NODE_NAME = Column(
    "node_name", "varchar", "Name shown to people (segment, group or rep name).", nullable=True
)
METRIC = Column("metric", "varchar", "revenue, units, customers or rate.", isin=METRICS)
WEEK_START = Column("week_start", "date", "Monday of the week.")
WEEK_NUMBER = Column(
    "week_number", "integer", "Week of the quarter (week 1 holds its first day).", ge=1, le=15
)
AS_OF_DATE = Column("as_of_date", "date", "Day the numbers are as of.")
ACTUAL_VALUE = Column("actual_value", "double", "Actual as of the as-of date.", nullable=True)
COMPLETION = Column("completion", "double", "actual / target.", ge=0, nullable=True)
NOT_MEASURED_REASON = Column(
    "not_measured_reason",
    "varchar",
    "Why the actual is null: the source mapping has no table it needs (e.g. 'not measured: "
    "the source mapping has no leads'), or a rate has nothing to divide by yet, 0 / 0 (e.g. "
    "'no base: no churned customer at the quarter start'); null when measured.",
    nullable=True,
)
IS_PROVISIONAL = Column(
    "is_provisional", "boolean", "The quarter is still running (as-of date before its last day)."
)
MEASURE_KIND = Column(
    "measure_kind",
    "varchar",
    "How the metric is paced: sum, accumulating_rate or level_rate.",
    isin=MEASURE_KINDS,
)
