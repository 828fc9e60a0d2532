"""Marts of actuals and pace: fct_progress_weekly, fct_node_actuals, fct_warnings.

Their columns are those rpt_progress_weekly and rpt_warnings publish, plus the few the
published tables leave out (the paced measure, the warning lines).
"""

from models.registry import row_rules as rules
from models.registry.columns import (
    ACTUAL_VALUE,
    AS_OF_DATE,
    COMPLETION,
    DIMENSION,
    MEASURE_KIND,
    METRIC,
    NODE_ID,
    NOT_MEASURED_REASON,
    PARENT_NODE_ID,
    QUARTER,
    TREE_LEVEL,
    WEEK_NUMBER,
    WEEK_START,
)
from models.registry.published.targets import RPT_PROGRESS_WEEKLY, RPT_WARNINGS
from models.registry.schema import Column, Table

PROGRESS = RPT_PROGRESS_WEEKLY.column
WARNING = RPT_WARNINGS.column
PROGRESS_KEY = ("quarter", "week_start", "node_id", "metric")

# The revenue of team tiers, groups and reps adds up to their parent (a moved rep has a
# node under each group), in every week: dbt tests it over whole quarters.
TEAM_ACTUALS_SUM_TO_PARENT = {
    "children_sum_to_parent": {
        "arguments": {
            "partition_by": ["quarter", "week_start", "metric"],
            "child_set_column": "dimension",
            "child_condition": "dimension in ('customer', 'product', 'team')",
        },
        "config": {"where": "metric = 'revenue' and dimension <> 'responsibility'"},
    }
}

FCT_PROGRESS_WEEKLY = Table(
    name="fct_progress_weekly",
    description=(
        "Progress control per quarter x reported week x node x metric: "
        "week target phased by working days and week weights, week actual and completion, "
        "target and actual to date, completion to date, projected quarter end from the "
        "recent run rate and the daily run rate still needed. Rules in the model header. "
        "Quarter-keyed, incremental (delete+insert by quarter)."
    ),
    columns=(
        QUARTER,
        WEEK_START,
        WEEK_NUMBER,
        NODE_ID,
        METRIC,
        PARENT_NODE_ID,
        DIMENSION,
        TREE_LEVEL,
        PROGRESS("node_name"),
        MEASURE_KIND,
        PROGRESS("reported_through"),
        Column("is_as_of_week", "boolean", "The week holding the as-of date."),
        PROGRESS("is_complete_week"),
        PROGRESS("remaining_working_days"),
        PROGRESS("quarter_target"),
        PROGRESS("week_target"),
        PROGRESS("week_actual"),
        PROGRESS("week_completion"),
        PROGRESS("target_to_date"),
        PROGRESS("actual_to_date").but(dbt_tests=(TEAM_ACTUALS_SUM_TO_PARENT,)),
        PROGRESS("completion_to_date"),
        PROGRESS("projected_quarter_end"),
        PROGRESS("required_daily_run_rate"),
        PROGRESS("judged_on"),
        PROGRESS("judged_completion"),
        PROGRESS("not_measured_reason"),
    ),
    key=PROGRESS_KEY,
    row_rules=(
        rules.WEEK_START_IS_MONDAY,
        rules.JUDGED_COMPLETION_IS_THE_MEASURE_JUDGED_ON,
        rules.REPORTED_THROUGH_WITHIN_WEEK,
        rules.WEEK_COMPLETION_IS_WEEK_ACTUAL_OVER_WEEK_TARGET,
        rules.COMPLETION_TO_DATE_IS_ACTUAL_OVER_TARGET_TO_DATE,
        rules.PROGRESS_NON_NEGATIVE_UNLESS_RATE,
        rules.NODE_PATH_MATCHES_DIMENSION,
    ),
    contract_enforced=False,
)

FCT_NODE_ACTUALS = Table(
    name="fct_node_actuals",
    description=(
        "Actuals at the grain of the target tree (every node and metric of fct_target_tree "
        "plus nodes with actuals only), as of each quarter's as-of date, with target and "
        "completion."
    ),
    columns=(
        QUARTER,
        NODE_ID,
        METRIC,
        PARENT_NODE_ID,
        DIMENSION,
        TREE_LEVEL,
        PROGRESS("node_name"),
        MEASURE_KIND,
        PROGRESS("quarter_target").but(name="target_value"),
        ACTUAL_VALUE.but(data_type="decimal(22,6)"),
        COMPLETION,
        PROGRESS("target_to_date").but(
            name="expected_to_date", description="Target due by the as-of date."
        ),
        PROGRESS("completion_to_date").but(description="actual_value / expected_to_date."),
        AS_OF_DATE,
        NOT_MEASURED_REASON,
    ),
    key=("quarter", "node_id", "metric"),
    row_rules=(
        rules.COMPLETION_IS_ACTUAL_OVER_TARGET,
        rules.ACTUAL_NON_NEGATIVE_UNLESS_RATE,
        rules.NODE_PATH_MATCHES_DIMENSION,
        rules.TEAM_NODES_HANG_UNDER_TEAM,
    ),
    contract_enforced=False,
)

FCT_WARNINGS = Table(
    name="fct_warnings",
    description=(
        "Nodes behind pace per reported week: amber below the warning line, red below the "
        "red line (per metric from warning_lines.csv, default vars default_amber_below / "
        "default_red_below), consecutive weeks behind, the owner rep (if any) and the "
        "numbers a message needs; rpt_warnings writes the owner and the message."
    ),
    columns=(
        QUARTER,
        WEEK_START,
        WEEK_NUMBER,
        NODE_ID,
        METRIC,
        WARNING("warning_level").but(name="level"),
        WARNING("completion"),
        WARNING("threshold"),
        Column("amber_below", "double", "The metric's warning line.", gt=0),
        Column("red_below", "double", "The metric's red line.", gt=0),
        WARNING("consecutive_weeks"),
        WARNING("owner_rep_id"),
        Column("owner_rep_name", "varchar", "Owner rep's name, if a rep.", nullable=True),
        WARNING("node_name"),
        DIMENSION,
        MEASURE_KIND,
        PROGRESS("judged_on").but(
            nullable=False,
            description="week: the week's completion was judged; to_date: completion to date.",
        ),
        PROGRESS("actual_to_date"),
        PROGRESS("target_to_date"),
        PROGRESS("remaining_working_days").but(
            nullable=False, description="Working days left in the quarter after the week."
        ),
        PROGRESS("required_daily_run_rate"),
    ),
    key=PROGRESS_KEY,
    row_rules=(
        rules.COMPLETION_BELOW_THRESHOLD,
        rules.THRESHOLD_IS_THE_LEVEL_LINE,
        rules.WEEK_START_IS_MONDAY,
    ),
    contract_enforced=False,
)
