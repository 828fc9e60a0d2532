"""Contracts of the published interface: every `rpt_*` table of DESIGN section 8.

BI tools rely on these names, keys and value sets, so a table that breaks its contract is
never published (the contract checks are blocking). Keys are `Config.unique`, checked in
SQL over the whole table, or over the run's quarters.

Every contract is strict: exactly the columns of the model's YAML (rpt_publication: of
`orchestration/publish/publication.py`), so a column added in dbt must be added here too,
and nothing personal slips into a published table unnoticed. Shared field helpers and row
rules come from `models/marts.py`. rpt_publication is written by the publisher into
reporting.duckdb, not by dbt: it has a contract but no warehouse asset to check.
"""

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from models.marts import (
    COMPLETION_TOLERANCE,
    JUDGED_ON,
    WARNING_LEVELS,
    TargetTreeNodes,
    completion_below_threshold,
    completion_field,
    completion_is_actual_over_target,
    date_field,
    depth_field,
    dimension_field,
    metric_field,
    node_id_field,
    node_path_matches_dimension,
    non_negative_unless_rate,
    parent_node_id_field,
    quarter_field,
    target_field,
    text_field,
    value_field,
    week_start_is_monday,
)
from models.raw import PRODUCT_TIERS

PROGRESS_FLAGS = ["on_track", *WARNING_LEVELS]

CUSTOMER_KPIS = [
    "new_customers",
    "lead_conversion_rate",
    "repurchase_rate",
    "aov_lift",
    "churn_recall_rate",
]
PRODUCT_KPIS = ["revenue", "units", "revenue_share", "sell_through_30d", "inventory_reduction"]
TEAM_LEVELS = ["region", "group", "rep"]
# KPIs that measure a change and may fall below zero; completion then counts as 0.
SIGNED_KPIS = ["aov_lift", "inventory_reduction"]
ACTION_KPIS = ["leads", "new_customers", "repurchase_rate", "aov_lift", "churn_recall_rate"]
ACTION_FLAGS = [
    "budget_spent_kpi_missed",
    "over_budget",
    "behind_pace",
    "kpi_missed",
    "not_started",
    "on_track",
]
REVIEW_SECTIONS = [
    "total",
    "dimension",
    "short_board",
    "best",
    "worst",
    "resources",
    "next_quarter",
]


class PublishedContract(pa.DataFrameModel):
    """Published tables built by dbt: exactly these columns, coerced to these types."""

    class Config:
        strict = True
        coerce = True


def _ratio_where_non_negative(
    frame: pd.DataFrame, actual: str, target: str, completion: str
) -> pd.Series:
    """completion == actual / target wherever all three are given, actual >= 0, target > 0.

    Rows of mixed meaning may leave completion out (a review's next-quarter suggestion) or
    state it for a subject without a single actual; a falling rate's completion is clamped
    or signed by the model.
    """
    actual_values = pd.to_numeric(frame[actual], errors="coerce")
    target_values = pd.to_numeric(frame[target], errors="coerce")
    applies = (actual_values >= 0) & (target_values > 0) & frame[completion].notna()
    return ~applies | completion_is_actual_over_target(frame, actual, target, completion)


def _signed_kpi_or_non_negative(frame: pd.DataFrame, column: str) -> pd.Series:
    values = pd.to_numeric(frame[column], errors="coerce").fillna(0)
    return frame["metric"].isin(SIGNED_KPIS) | (values >= 0)


class RptTargetTree(TargetTreeNodes):
    """rpt_target_tree: quarter x node x metric (the mart without its quarter dates)."""


class RptProgressWeekly(PublishedContract):
    """rpt_progress_weekly: quarter x week x node x metric."""

    quarter: Series[str] = quarter_field()
    week_start: Series[pa.typing.Date] = date_field("Monday of the week")
    week_number: Series[pd.Int64Dtype] = pa.Field(ge=1, le=15, description="week of the quarter")
    node_id: Series[str] = node_id_field()
    parent_node_id: Series[str] = parent_node_id_field()
    dimension: Series[str] = dimension_field()
    level: Series[pd.Int64Dtype] = depth_field()
    node_name: Series[str] = text_field("name shown to people")
    metric: Series[str] = metric_field()
    quarter_target: Series[float] = target_field("quarter target; null without one", True)
    week_target: Series[float] = target_field("target due in the week", True)
    week_actual: Series[float] = value_field("actual of the week")
    week_completion: Series[float] = completion_field("week_actual / week_target")
    target_to_date: Series[float] = target_field("target due to the week end", True)
    actual_to_date: Series[float] = value_field("actual to the week end")
    completion_to_date: Series[float] = completion_field("actual_to_date / target_to_date")
    projected_quarter_end: Series[float] = value_field("projection from the recent run rate")
    required_daily_run_rate: Series[float] = pa.Field(
        ge=0, nullable=True, description="daily run rate still needed; 0 when met"
    )
    remaining_working_days: Series[pd.Int64Dtype] = pa.Field(
        ge=0, nullable=True, description="working days after the week end"
    )
    reported_through: Series[pa.typing.Date] = date_field("last day the week is measured through")
    is_complete_week: Series[bool] = pa.Field(description="measured through the week's last day")
    judged_on: Series[str] = pa.Field(
        isin=JUDGED_ON, nullable=True, description="what the flag judges; null: not judged"
    )
    judged_completion: Series[float] = completion_field("the completion the flag judges")
    flag: Series[str] = pa.Field(
        isin=PROGRESS_FLAGS, nullable=True, description="on_track, amber or red; null: not judged"
    )

    class Config:
        unique = ["quarter", "week_start", "node_id", "metric"]

    @pa.dataframe_check(name="week_start_is_monday")
    @classmethod
    def week_start_is_monday(cls, frame: pd.DataFrame) -> pd.Series:
        return week_start_is_monday(frame)

    @pa.dataframe_check(name="week_completion_is_week_actual_over_week_target")
    @classmethod
    def week_completion_rule(cls, frame: pd.DataFrame) -> pd.Series:
        return completion_is_actual_over_target(
            frame, "week_actual", "week_target", "week_completion"
        )

    @pa.dataframe_check(name="completion_to_date_is_actual_over_target_to_date")
    @classmethod
    def completion_to_date_rule(cls, frame: pd.DataFrame) -> pd.Series:
        return completion_is_actual_over_target(
            frame, "actual_to_date", "target_to_date", "completion_to_date"
        )

    @pa.dataframe_check(name="non_negative_unless_rate")
    @classmethod
    def non_negative_unless_rate(cls, frame: pd.DataFrame) -> pd.Series:
        return non_negative_unless_rate(
            frame, ["week_actual", "actual_to_date", "projected_quarter_end"]
        )

    @pa.dataframe_check(name="node_path_matches_dimension")
    @classmethod
    def node_path_matches_dimension(cls, frame: pd.DataFrame) -> pd.Series:
        return node_path_matches_dimension(frame)


class RptWarnings(PublishedContract):
    """rpt_warnings: quarter x week x node x metric behind pace."""

    quarter: Series[str] = quarter_field()
    week_start: Series[pa.typing.Date] = date_field("Monday of the week")
    week_number: Series[pd.Int64Dtype] = pa.Field(ge=1, le=15, description="week of the quarter")
    node_id: Series[str] = node_id_field()
    node_name: Series[str] = text_field("node name")
    dimension: Series[str] = dimension_field()
    metric: Series[str] = metric_field()
    level: Series[str] = pa.Field(isin=WARNING_LEVELS, description="amber or red")
    completion: Series[float] = pa.Field(ge=0, description="week completion (rates: to date)")
    threshold: Series[float] = pa.Field(gt=0, description="the line crossed (amber or red)")
    consecutive_weeks: Series[pd.Int64Dtype] = pa.Field(
        ge=1, description="weeks in a row below the warning line, this one included"
    )
    owner: Series[str] = pa.Field(str_length={"min_value": 1}, description="who acts on it")
    owner_rep_id: Series[str] = text_field("owner rep id, if a rep")
    message: Series[str] = pa.Field(
        str_length={"min_value": 1}, description="one line a manager can act on"
    )

    class Config:
        unique = ["quarter", "week_start", "node_id", "metric"]

    @pa.dataframe_check(name="completion_below_threshold")
    @classmethod
    def completion_below_threshold(cls, frame: pd.DataFrame) -> pd.Series:
        return completion_below_threshold(frame)

    @pa.dataframe_check(name="week_start_is_monday")
    @classmethod
    def week_start_is_monday(cls, frame: pd.DataFrame) -> pd.Series:
        return week_start_is_monday(frame)


class RptCustomerKpis(PublishedContract):
    """rpt_customer_kpis: quarter x customer KPI."""

    quarter: Series[str] = quarter_field()
    metric: Series[str] = pa.Field(isin=CUSTOMER_KPIS, description="the customer KPI")
    node_id: Series[str] = text_field("target tree node the KPI is measured on")
    target_value: Series[float] = target_field("target (count or rate)", nullable=True)
    actual_value: Series[float] = value_field("actual as of the as-of date")
    completion: Series[float] = completion_field()
    as_of_date: Series[pa.typing.Date] = date_field("day the numbers are as of")

    class Config:
        unique = ["quarter", "metric"]

    @pa.dataframe_check(name="completion_is_actual_over_target")
    @classmethod
    def completion_is_actual_over_target(cls, frame: pd.DataFrame) -> pd.Series:
        return completion_is_actual_over_target(frame, "actual_value", "target_value", "completion")

    @pa.dataframe_check(name="actual_non_negative_unless_a_change")
    @classmethod
    def actual_non_negative_unless_a_change(cls, frame: pd.DataFrame) -> pd.Series:
        return _signed_kpi_or_non_negative(frame, "actual_value")


class RptProductKpis(PublishedContract):
    """rpt_product_kpis: quarter x product tier x KPI."""

    quarter: Series[str] = quarter_field()
    tier: Series[str] = pa.Field(isin=PRODUCT_TIERS, description="core, new or long_tail")
    metric: Series[str] = pa.Field(isin=PRODUCT_KPIS, description="the product KPI")
    target_value: Series[float] = target_field("target; null where the plan sets none", True)
    actual_value: Series[float] = value_field("actual as of the as-of date")
    completion: Series[float] = completion_field()
    as_of_date: Series[pa.typing.Date] = date_field("day the numbers are as of")

    class Config:
        unique = ["quarter", "tier", "metric"]

    @pa.dataframe_check(name="completion_is_actual_over_target")
    @classmethod
    def completion_is_actual_over_target(cls, frame: pd.DataFrame) -> pd.Series:
        return completion_is_actual_over_target(frame, "actual_value", "target_value", "completion")

    @pa.dataframe_check(name="actual_non_negative_unless_a_change")
    @classmethod
    def actual_non_negative_unless_a_change(cls, frame: pd.DataFrame) -> pd.Series:
        return _signed_kpi_or_non_negative(frame, "actual_value")

    @pa.dataframe_check(name="revenue_share_at_most_one")
    @classmethod
    def revenue_share_at_most_one(cls, frame: pd.DataFrame) -> pd.Series:
        share = frame["metric"] == "revenue_share"
        return ~share | (frame["actual_value"].fillna(0) <= 1 + COMPLETION_TOLERANCE)


class RptTeamPerformance(PublishedContract):
    """rpt_team_performance: quarter x team node (region tier, group, rep)."""

    quarter: Series[str] = quarter_field()
    level: Series[str] = pa.Field(isin=TEAM_LEVELS, description="region, group or rep")
    node_id: Series[str] = pa.Field(str_startswith="team/", description="team node path")
    parent_node_id: Series[str] = parent_node_id_field()
    node_name: Series[str] = text_field("region, group or rep name")
    target_value: Series[float] = target_field("revenue target of the quarter", nullable=True)
    actual_value: Series[float] = pa.Field(ge=0, nullable=True, description="revenue to date")
    completion: Series[float] = completion_field()
    rank_in_level: Series[pd.Int64Dtype] = pa.Field(
        ge=1, description="rank by completion within quarter and level (1 = best)"
    )
    as_of_date: Series[pa.typing.Date] = date_field("day the numbers are as of")

    class Config:
        unique = ["quarter", "node_id"]

    @pa.dataframe_check(name="completion_is_actual_over_target")
    @classmethod
    def completion_is_actual_over_target(cls, frame: pd.DataFrame) -> pd.Series:
        return completion_is_actual_over_target(frame, "actual_value", "target_value", "completion")

    @pa.dataframe_check(name="groups_and_reps_hang_under_team")
    @classmethod
    def groups_and_reps_hang_under_team(cls, frame: pd.DataFrame) -> pd.Series:
        """A rep or group has a team/ parent; a region hangs under total."""
        parent = frame["parent_node_id"].astype("string")
        under_team = parent.str.startswith("team/").fillna(False).astype(bool)
        under_total = (parent == "total").fillna(False).astype(bool)
        is_region = frame["level"] == "region"
        return (is_region & under_total) | (~is_region & under_team)


class RptActionPlans(PublishedContract):
    """rpt_action_plans: quarter x action of the plan's action list."""

    quarter: Series[str] = quarter_field()
    action_id: Series[str] = pa.Field(str_length={"min_value": 1}, description="action key")
    action_name: Series[str] = text_field("what is done")
    owner: Series[str] = text_field("who owns the action")
    start_date: Series[pa.typing.Date] = date_field("first day of the action window", True)
    end_date: Series[pa.typing.Date] = date_field("last day of the action window", True)
    budget: Series[float] = pa.Field(ge=0, nullable=True, description="planned budget, CNY")
    budget_line: Series[str] = text_field("budget line of resources.csv")
    spend: Series[float] = pa.Field(ge=0, nullable=True, description="campaign spend to date")
    kpi: Series[str] = pa.Field(isin=ACTION_KPIS, description="the outcome the action is for")
    kpi_target: Series[float] = target_field("KPI target (count or rate)", nullable=True)
    kpi_actual: Series[float] = value_field("KPI measured in the window to the as-of date")
    kpi_completion: Series[float] = value_field("kpi_actual / kpi_target")
    outcome_count: Series[pd.Int64Dtype] = pa.Field(
        ge=0, nullable=True, description="leads, customers won, repeat or recalled customers"
    )
    cost_per_outcome: Series[float] = pa.Field(
        ge=0, nullable=True, description="spend / outcome_count"
    )
    flag: Series[str] = pa.Field(isin=ACTION_FLAGS, description="how the action is doing")
    as_of_date: Series[pa.typing.Date] = date_field("day the numbers are as of", True)

    class Config:
        unique = ["quarter", "action_id"]

    @pa.dataframe_check(name="end_date_not_before_start_date")
    @classmethod
    def end_date_not_before_start_date(cls, frame: pd.DataFrame) -> pd.Series:
        holds = pd.to_datetime(frame["end_date"]) >= pd.to_datetime(frame["start_date"])
        return holds | frame["start_date"].isna() | frame["end_date"].isna()

    @pa.dataframe_check(name="kpi_completion_is_kpi_actual_over_kpi_target")
    @classmethod
    def kpi_completion_rule(cls, frame: pd.DataFrame) -> pd.Series:
        return _ratio_where_non_negative(frame, "kpi_actual", "kpi_target", "kpi_completion")


class RptIncentives(PublishedContract):
    """rpt_incentives: quarter x rep (commission, bonus, awards, promotion)."""

    quarter: Series[str] = quarter_field()
    rep_id: Series[str] = pa.Field(str_length={"min_value": 1}, description="rep key")
    rep_name: Series[str] = text_field("rep display name (reps are the report's users)")
    revenue: Series[float] = pa.Field(ge=0, nullable=True, description="revenue credited, CNY")
    commission: Series[float] = value_field("commission minus clawbacks of refunds (may be < 0)")
    attainment: Series[float] = pa.Field(ge=0, nullable=True, description="revenue / target")
    bonus: Series[float] = pa.Field(ge=0, nullable=True, description="bonus of the tier, CNY")
    awards: Series[float] = pa.Field(ge=0, nullable=True, description="champion awards, CNY")
    promotion_eligible: Series[bool] = pa.Field(
        description="reached the promotion tier this quarter and the one before"
    )
    refunded_revenue: Series[float] = pa.Field(
        ge=0, nullable=True, description="revenue refunded in the quarter"
    )
    clawback: Series[float] = pa.Field(
        le=0, nullable=True, description="commission taken back for those refunds (negative)"
    )
    target_value: Series[float] = target_field("the rep's revenue target", nullable=True)
    previous_attainment: Series[float] = pa.Field(
        ge=0, nullable=True, description="attainment in the previous quarter"
    )
    bonus_tier: Series[str] = text_field("bonus tier reached")
    award_names: Series[str] = text_field("awards won")
    is_provisional: Series[bool] = pa.Field(nullable=True, description="quarter still running")
    as_of_date: Series[pa.typing.Date] = date_field("day the numbers are as of", True)

    class Config:
        unique = ["quarter", "rep_id"]

    @pa.dataframe_check(name="commission_at_most_revenue")
    @classmethod
    def commission_at_most_revenue(cls, frame: pd.DataFrame) -> pd.Series:
        holds = frame["commission"] <= frame["revenue"] + COMPLETION_TOLERANCE
        return holds | frame["commission"].isna() | frame["revenue"].isna()


class RptQuarterReview(PublishedContract):
    """rpt_quarter_review: quarter x finding of the closed-loop review."""

    quarter: Series[str] = quarter_field()
    section: Series[str] = pa.Field(isin=REVIEW_SECTIONS, description="part of the review")
    subject: Series[str] = pa.Field(
        str_length={"min_value": 1}, description="node, action or resource the finding is about"
    )
    metric: Series[str] = pa.Field(str_length={"min_value": 1}, description="what is measured")
    target_value: Series[float] = value_field("target (money, count or rate)")
    actual_value: Series[float] = value_field("actual as of the as-of date")
    completion: Series[float] = value_field("actual / target")
    finding: Series[str] = pa.Field(
        str_length={"min_value": 1}, description="the finding as a sentence"
    )
    finding_order: Series[pd.Int64Dtype] = pa.Field(
        ge=0, nullable=True, description="reading order within the quarter"
    )
    is_provisional: Series[bool] = pa.Field(description="the quarter is still running")
    as_of_date: Series[pa.typing.Date] = date_field("day the numbers are as of", True)

    class Config:
        unique = ["quarter", "section", "subject", "metric"]

    @pa.dataframe_check(name="completion_is_actual_over_target")
    @classmethod
    def completion_is_actual_over_target(cls, frame: pd.DataFrame) -> pd.Series:
        return _ratio_where_non_negative(frame, "actual_value", "target_value", "completion")


class RptPublication(PublishedContract):
    """rpt_publication: one row per publish (written by the publisher in reporting.duckdb)."""

    publication_number: Series[pd.Int64Dtype] = pa.Field(ge=1, description="1, 2, ... per publish")
    publication_id: Series[str] = pa.Field(str_length={"min_value": 1}, description="publish id")
    published_at: Series[pa.typing.DateTime] = pa.Field(description="when it was published (UTC)")
    quarters: Series[str] = pa.Field(
        str_matches=r"^\d{4}Q[1-4](,\d{4}Q[1-4])*$", description="quarters published"
    )
    as_of_date: Series[pa.typing.Date] = date_field("as-of date of the run", nullable=True)
    source_watermarks: Series[str] = text_field("JSON: source watermarks behind the numbers")
    row_counts: Series[str] = text_field("JSON: rows of every other rpt_* table")
    checks_passed: Series[str] = text_field("JSON: the checks that passed")
    checks_passed_count: Series[pd.Int64Dtype] = pa.Field(
        ge=0, nullable=True, description="how many checks passed"
    )
    run_id: Series[str] = text_field("Dagster run that published")

    class Config:
        unique = ["publication_number"]


# Contract of each published table, by relation name in the warehouse.
REPORTING_CONTRACTS: dict[str, type[pa.DataFrameModel]] = {
    "reporting.rpt_target_tree": RptTargetTree,
    "reporting.rpt_progress_weekly": RptProgressWeekly,
    "reporting.rpt_warnings": RptWarnings,
    "reporting.rpt_customer_kpis": RptCustomerKpis,
    "reporting.rpt_product_kpis": RptProductKpis,
    "reporting.rpt_team_performance": RptTeamPerformance,
    "reporting.rpt_action_plans": RptActionPlans,
    "reporting.rpt_incentives": RptIncentives,
    "reporting.rpt_quarter_review": RptQuarterReview,
    "reporting.rpt_publication": RptPublication,
}
