"""The target tree mart, fct_target_tree: rpt_target_tree's target columns plus the quarter's
dates (the published table adds the actuals of fct_node_actuals)."""

from models.registry import row_rules as rules
from models.registry.columns import TREE_LEVEL
from models.registry.published.targets import RPT_TARGET_TREE
from models.registry.schema import Column, Table

# what the published table adds: the actuals, and level's new name
PUBLISHED_ONLY = ("actual_value", "completion", "completion_to_date", "node_depth")

FCT_TARGET_TREE = Table(
    name="fct_target_tree",
    description=(
        "The target tree, quarter x node x metric: revenue on every node, "
        "new-customer count, new-product and core units, KPI rates, responsibility slices. "
        "target_value is as of the quarter's as-of date; original_target_value as planned; "
        "revision_* describe the revision in effect on that node and metric. Quarter-keyed "
        "and incremental (delete+insert by quarter): a backfill of one quarter touches no other."
    ),
    columns=(
        *(
            TREE_LEVEL if column.name == "level" else column
            for column in RPT_TARGET_TREE.columns
            if column.name != "as_of_date" and column.name not in PUBLISHED_ONLY
        ),
        Column("quarter_start_date", "date", "First day of the quarter."),
        Column("quarter_end_date", "date", "Last day of the quarter."),
        RPT_TARGET_TREE.column("as_of_date"),
    ),
    key=RPT_TARGET_TREE.key,
    row_rules=(*RPT_TARGET_TREE.row_rules, rules.AS_OF_DATE_WITHIN_QUARTER),
)
