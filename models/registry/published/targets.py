"""Published tables of the target tree and its weekly progress: rpt_target_tree,
rpt_progress_weekly, rpt_warnings."""

from models.registry import row_rules as rules
from models.registry.columns import (
    AS_OF_DATE,
    DIMENSION,
    METRIC,
    NODE_DEPTH,
    NODE_ID,
    NODE_NAME,
    NOT_MEASURED_REASON,
    PARENT_NODE_ID,
    QUARTER,
    TREE_LEVEL,
    WEEK_NUMBER,
    WEEK_START,
    deprecated_alias,
)
from models.registry.schema import Column, Table, names
from models.registry.values import JUDGED_ON, PROGRESS_FLAGS, WARNING_LEVELS

# A revenue node's children sum to it: needs whole quarters, so dbt tests it, not pandera.
CHILDREN_SUM_TO_PARENT = {
    "children_sum_to_parent": {
        "arguments": {"child_set_column": "dimension", "child_condition": "is_partition_of_parent"},
        "config": {"where": "metric = 'revenue'"},
    }
}

RPT_TARGET_TREE = Table(
    name="rpt_target_tree",
    description=(
        "The target tree of every built quarter: one row per quarter x node x metric. "
        "node_id is a stable readable path (total, customer/new, product/new/units, "
        "team/tier1/g-star-01/rep-017, responsibility/new_product_squad) that means the same "
        "node in every quarter. Money targets are whole cents, units and customers whole "
        "numbers, rates fractions (0.25 = 25%)."
    ),
    columns=(
        QUARTER,
        NODE_ID,
        PARENT_NODE_ID,
        DIMENSION,
        deprecated_alias(TREE_LEVEL, "node_depth"),
        NODE_NAME.but(nullable=False),
        METRIC,
        Column(
            "target_value",
            "decimal(22,6)",
            "The target as of the quarter's as-of date (after revisions known then).",
            ge=0,
            dbt_tests=(CHILDREN_SUM_TO_PARENT,),
        ),
        Column(
            "original_target_value",
            "decimal(22,6)",
            "The target as planned, before any revision.",
            ge=0,
            nullable=True,
            dbt_tests=(CHILDREN_SUM_TO_PARENT,),
        ),
        Column(
            "revision_reason",
            "varchar",
            "Reason of the revision in effect for this node and metric, if any.",
            nullable=True,
        ),
        Column("revision_effective_date", "date", "Day that revision took effect.", nullable=True),
        Column("revision_approved_by", "varchar", "Who approved that revision.", nullable=True),
        Column(
            "is_partition_of_parent",
            "boolean",
            "True when the node and its siblings in the same dimension split the parent "
            "exactly (false for KPI nodes and responsibility slices, which overlap).",
        ),
        AS_OF_DATE.but(
            description="The day the targets are as of (revisions effective by then apply)."
        ),
        Column(
            "actual_value",
            "decimal(22,6)",
            "Actual as of as_of_date, in the target's unit: to date in the quarter in "
            "progress, final in a closed one (null where the metric is not measured).",
            nullable=True,
        ),
        Column(
            "completion",
            "double",
            "actual_value / target_value (null without a target or an actual).",
            ge=0,
            nullable=True,
        ),
        Column(
            "completion_to_date",
            "double",
            "actual_value / the target due by as_of_date: how an open quarter is judged "
            "(equal to completion once the quarter is closed).",
            ge=0,
            nullable=True,
        ),
        NODE_DEPTH,
    ),
    key=("quarter", "node_id", "metric"),
    row_rules=(
        rules.NODE_PATH_MATCHES_DIMENSION,
        rules.TEAM_NODES_HANG_UNDER_TEAM,
        rules.REVISION_REASON_WITH_EFFECTIVE_DATE,
    ),
    promised=names(
        "quarter node_id parent_node_id dimension level node_name metric target_value "
        "original_target_value revision_reason"
    ),
    report_columns=names(
        "quarter node_id parent_node_id dimension level node_name metric target_value"
    ),
)

RPT_PROGRESS_WEEKLY = Table(
    name="rpt_progress_weekly",
    description=(
        "Weekly progress of every node and metric of the target tree (plus nodes with actuals "
        "only): week target phased by working days and weights, week actual and completion, "
        "to-date figures, projection from the recent run rate and the daily run rate still "
        "needed (rules in fct_progress_weekly)."
    ),
    columns=(
        QUARTER,
        WEEK_START,
        WEEK_NUMBER,
        NODE_ID,
        PARENT_NODE_ID,
        DIMENSION,
        deprecated_alias(TREE_LEVEL, "node_depth"),
        NODE_NAME.but(description="Name shown to people."),
        METRIC,
        Column(
            "quarter_target",
            "decimal(22,6)",
            "Quarter target (null for a node with actuals only).",
            ge=0,
            nullable=True,
        ),
        Column(
            "week_target",
            "decimal(22,6)",
            "Target due in the week (to the as-of date in the as-of week).",
            ge=0,
            nullable=True,
        ),
        Column(
            "week_actual",
            "decimal(22,6)",
            "Actual of the week (a rate: gained in the week, or the rate so far for level rates).",
            nullable=True,
        ),
        Column("week_completion", "double", "week_actual / week_target.", ge=0, nullable=True),
        Column(
            "target_to_date",
            "decimal(22,6)",
            "Target due from the quarter start to the week end.",
            ge=0,
            nullable=True,
        ),
        Column(
            "actual_to_date",
            "decimal(22,6)",
            "Actual from the quarter start to the week end.",
            nullable=True,
        ),
        Column(
            "completion_to_date", "double", "actual_to_date / target_to_date.", ge=0, nullable=True
        ),
        Column(
            "projected_quarter_end",
            "decimal(22,6)",
            "actual_to_date + recent daily rate x working days left.",
            nullable=True,
        ),
        Column(
            "required_daily_run_rate",
            "decimal(22,6)",
            "(target - actual_to_date) / working days left; 0 when met.",
            ge=0,
            nullable=True,
        ),
        Column(
            "remaining_working_days",
            "integer",
            "Working days after the week end (or as-of date).",
            ge=0,
            nullable=True,
        ),
        Column("reported_through", "date", "Last day the week is measured through."),
        Column(
            "is_complete_week",
            "boolean",
            "The week is measured through its last day (false for the week still in progress).",
        ),
        Column(
            "judged_on",
            "varchar",
            "What the week's flag judges: week (the week's completion), to_date (completion "
            "to date: rates, reps, responsibility slices, a node on pace to date, or a node "
            "further behind to date than in the week); null when not judged (no target, no "
            "working day, a week still in progress, a rep below the minimum volume).",
            isin=JUDGED_ON,
            nullable=True,
        ),
        Column(
            "judged_completion",
            "double",
            "The completion the flag judges (week_completion or completion_to_date, as "
            "judged_on says).",
            ge=0,
            nullable=True,
        ),
        Column(
            "flag",
            "varchar",
            "amber or red (the node's row in rpt_warnings), on_track when judged and not "
            "behind, null when not judged. The report and `sales-targets status` show the "
            "flag of the latest judged week.",
            isin=PROGRESS_FLAGS,
            nullable=True,
        ),
        NOT_MEASURED_REASON,
        NODE_DEPTH,
    ),
    key=("quarter", "week_start", "node_id", "metric"),
    row_rules=(
        rules.WEEK_START_IS_MONDAY,
        rules.WEEK_COMPLETION_IS_WEEK_ACTUAL_OVER_WEEK_TARGET,
        rules.COMPLETION_TO_DATE_IS_ACTUAL_OVER_TARGET_TO_DATE,
        rules.PROGRESS_NON_NEGATIVE_UNLESS_RATE,
        rules.NODE_PATH_MATCHES_DIMENSION,
    ),
    promised=names(
        "quarter week_start node_id metric week_target week_actual week_completion "
        "target_to_date actual_to_date completion_to_date projected_quarter_end "
        "required_daily_run_rate"
    ),
    report_columns=names(
        "quarter week_start node_id metric target_to_date actual_to_date completion_to_date "
        "projected_quarter_end reported_through"
    ),
)

WARNING_LEVEL = Column("warning_level", "varchar", "amber or red.", isin=WARNING_LEVELS)

RPT_WARNINGS = Table(
    name="rpt_warnings",
    description=(
        "Nodes behind pace per week: amber below the warning line, red below the red line."
    ),
    columns=(
        QUARTER,
        WEEK_START,
        WEEK_NUMBER,
        NODE_ID,
        NODE_NAME.but(description="Node name."),
        DIMENSION,
        METRIC,
        deprecated_alias(WARNING_LEVEL.but(name="level"), "warning_level"),
        Column("completion", "double", "Week completion (rates: completion to date).", ge=0),
        Column("threshold", "double", "The line crossed (amber or red).", gt=0),
        Column(
            "consecutive_weeks",
            "integer",
            "Weeks in a row below the warning line, this one included.",
            ge=1,
        ),
        Column("owner", "varchar", "Rep, group lead rep, or the node team.", min_length=1),
        Column("owner_rep_id", "varchar", "Owner rep id, if a rep.", nullable=True),
        Column("message", "varchar", "One line a manager can act on.", min_length=1),
        WARNING_LEVEL,
    ),
    key=("quarter", "week_start", "node_id", "metric"),
    row_rules=(rules.COMPLETION_BELOW_THRESHOLD, rules.WEEK_START_IS_MONDAY),
    promised=names(
        "quarter week_start node_id metric level completion threshold consecutive_weeks "
        "owner message"
    ),
)
