"""Published KPI tables: rpt_customer_kpis, rpt_product_kpis, rpt_team_performance."""

from models.registry import row_rules as rules
from models.registry.columns import (
    ACTUAL_VALUE,
    AS_OF_DATE,
    COMPLETION,
    METRIC,
    NODE_ID,
    NODE_NAME,
    NOT_MEASURED_REASON,
    PARENT_NODE_ID,
    QUARTER,
    deprecated_alias,
)
from models.registry.schema import Column, Table, names
from models.registry.values import CUSTOMER_KPIS, PRODUCT_KPIS, PRODUCT_TIERS, TEAM_LEVELS

# aov_lift and inventory_reduction measure a change (values.SIGNED_KPIS): a fall is negative
KPI_ACTUAL = ACTUAL_VALUE.but(
    description=(
        "Actual as of the as-of date: a count, or a rate as a fraction (0.25 = 25%). aov_lift "
        "and inventory_reduction measure a change and are negative when it went the wrong way "
        "(the existing segment's AOV fell, long-tail stock grew); every other KPI is 0 or "
        "more. Null, with not_measured_reason, when it cannot be measured."
    )
)
KPI_COMPLETION = COMPLETION.but(
    description="actual / target; 0 when aov_lift or inventory_reduction is negative."
)

RPT_CUSTOMER_KPIS = Table(
    name="rpt_customer_kpis",
    description="Customer KPIs per quarter as of its as-of date.",
    columns=(
        QUARTER,
        METRIC.but(isin=CUSTOMER_KPIS, description=", ".join(CUSTOMER_KPIS) + "."),
        NODE_ID.but(
            nullable=True, min_length=None, description="Target tree node the KPI is measured on."
        ),
        Column("target_value", "double", "Target (count or rate).", ge=0, nullable=True),
        KPI_ACTUAL,
        KPI_COMPLETION,
        AS_OF_DATE,
        NOT_MEASURED_REASON,
    ),
    key=("quarter", "metric"),
    row_rules=(rules.COMPLETION_IS_ACTUAL_OVER_TARGET, rules.ACTUAL_NON_NEGATIVE_UNLESS_A_CHANGE),
    promised=names("quarter metric target_value actual_value completion"),
)

RPT_PRODUCT_KPIS = Table(
    name="rpt_product_kpis",
    description="Product KPIs per quarter and tier as of its as-of date.",
    columns=(
        QUARTER,
        Column("tier", "varchar", "core, new or long_tail.", isin=PRODUCT_TIERS),
        METRIC.but(isin=PRODUCT_KPIS, description=", ".join(PRODUCT_KPIS) + "."),
        Column(
            "target_value", "double", "Target; null where the plan sets none.", ge=0, nullable=True
        ),
        KPI_ACTUAL,
        KPI_COMPLETION,
        AS_OF_DATE,
        NOT_MEASURED_REASON,
    ),
    key=("quarter", "tier", "metric"),
    row_rules=(
        rules.COMPLETION_IS_ACTUAL_OVER_TARGET,
        rules.ACTUAL_NON_NEGATIVE_UNLESS_A_CHANGE,
        rules.REVENUE_SHARE_AT_MOST_ONE,
    ),
    promised=names("quarter tier metric target_value actual_value completion"),
)

TEAM_LEVEL = Column("team_level", "varchar", "region, group or rep.", isin=TEAM_LEVELS)

RPT_TEAM_PERFORMANCE = Table(
    name="rpt_team_performance",
    description=(
        "Revenue target, actual, completion and rank of every region tier, group and rep."
    ),
    columns=(
        QUARTER,
        deprecated_alias(TEAM_LEVEL.but(name="level"), "team_level"),
        NODE_ID.but(startswith="team/", min_length=None, description="Team node path."),
        PARENT_NODE_ID,
        NODE_NAME.but(nullable=False, description="Region, group or rep name."),
        Column(
            "target_value", "decimal(18,2)", "Revenue target of the quarter.", ge=0, nullable=True
        ),
        Column(
            "actual_value", "decimal(18,2)", "Revenue as of the as-of date.", ge=0, nullable=True
        ),
        COMPLETION,
        Column(
            "rank_in_level",
            "bigint",
            "Rank by completion within quarter and team_level (1 = best).",
            ge=1,
        ),
        AS_OF_DATE,
        TEAM_LEVEL,
    ),
    key=("quarter", "node_id"),
    row_rules=(rules.COMPLETION_IS_ACTUAL_OVER_TARGET, rules.GROUPS_AND_REPS_HANG_UNDER_TEAM),
    promised=names(
        "quarter level node_id node_name target_value actual_value completion rank_in_level"
    ),
)
