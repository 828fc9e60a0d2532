# Longer than 300 lines: mart contracts and their shared rules; the registry takes them next.
"""Mart contracts: the target tree, actuals, weekly progress and warnings (`marts.fct_*`).

Each contract states the table's grain as `Config.unique` (checked in SQL across chunks),
its types, ranges and allowed values, and the rules that tie columns together: completion
is actual / target (negative rates count as 0%, no target means no completion), a node's
path starts with its dimension, a team node below the regions hangs under a `team/` node,
a warning's completion lies below the line it crossed. That a revenue node's children sum
to it is a dbt test (`children_sum_to_parent` on fct_target_tree, rpt_target_tree and
fct_progress_weekly): it needs whole quarters, not the chunks these contracts see.

The field helpers and row rules here are shared with `models/reporting.py`, whose tables
copy these marts.
"""

import numpy as np
import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

QUARTER_PATTERN = r"^\d{4}Q[1-4]$"
DIMENSIONS = ["total", "customer", "product", "team", "responsibility"]
METRICS = ["revenue", "units", "customers", "rate"]
MEASURE_KINDS = ["sum", "accumulating_rate", "level_rate"]
WARNING_LEVELS = ["amber", "red"]
# what a node's flag in a week was judged on (fct_progress_weekly.judged_on)
JUDGED_ON = ["week", "to_date"]
# Completion is a double computed before its inputs are rounded to DECIMAL(22,6): it must
# match actual / target within 1e-6 plus what rounding each input by half a step can move.
COMPLETION_TOLERANCE = 1e-6
DECIMAL_HALF_STEP = 5e-7


# ---------------------------------------------------------------- field helpers
def quarter_field() -> pa.Field:
    return pa.Field(str_matches=QUARTER_PATTERN, description="quarter label, e.g. 2026Q3")


def node_id_field() -> pa.Field:
    return pa.Field(
        str_length={"min_value": 1},
        description="stable node path, e.g. team/tier1/g-star-01/rep-017",
    )


def parent_node_id_field() -> pa.Field:
    return pa.Field(nullable=True, description="path of the parent node; null for total")


def dimension_field() -> pa.Field:
    return pa.Field(isin=DIMENSIONS, description="total, customer, product, team or responsibility")


def metric_field() -> pa.Field:
    return pa.Field(isin=METRICS, description="revenue, units, customers or rate")


def depth_field() -> pa.Field:
    return pa.Field(ge=0, le=3, description="depth in the tree: total 0 ... reps 3")


def target_field(description: str, nullable: bool = False) -> pa.Field:
    return pa.Field(ge=0, nullable=nullable, description=description)


def value_field(description: str, nullable: bool = True) -> pa.Field:
    """An actual or projection: a rate may be negative (AOV lift, stock growth)."""
    return pa.Field(nullable=nullable, description=description)


def completion_field(description: str = "actual / target; null without a target") -> pa.Field:
    return pa.Field(ge=0, nullable=True, description=description)


def text_field(description: str, nullable: bool = True) -> pa.Field:
    return pa.Field(nullable=nullable, description=description)


def date_field(description: str, nullable: bool = False) -> pa.Field:
    return pa.Field(nullable=nullable, description=description)


# ---------------------------------------------------------------- row rules
def completion_is_actual_over_target(
    frame: pd.DataFrame, actual: str, target: str, completion: str
) -> pd.Series:
    """completion == max(0, actual / target) where target > 0, else null."""
    target_values = pd.to_numeric(frame[target], errors="coerce").astype(float)
    actual_values = pd.to_numeric(frame[actual], errors="coerce").astype(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = actual_values / target_values.where(target_values > 0)
        rounding = (
            ratio.abs()
            * DECIMAL_HALF_STEP
            * (1 / actual_values.abs().clip(lower=DECIMAL_HALF_STEP) + 1 / target_values)
        )
    expected = ratio.clip(lower=0)
    stated = pd.to_numeric(frame[completion], errors="coerce").astype(float)
    both_missing = expected.isna() & stated.isna()
    close = (stated - expected).abs() <= COMPLETION_TOLERANCE + rounding
    return both_missing | close.fillna(False)


def node_path_matches_dimension(frame: pd.DataFrame) -> pd.Series:
    """total is the root (level 0, no parent); every other node sits under its dimension."""
    node, parent, dimension = frame["node_id"], frame["parent_node_id"], frame["dimension"]
    is_total = dimension == "total"
    root_ok = (node == "total") & parent.isna() & (frame["level"] == 0)
    prefix = dimension.astype(str) + "/"
    starts = pd.Series(
        [n.startswith(p) for n, p in zip(node.astype(str), prefix, strict=True)],
        index=frame.index,
        dtype=bool,
    )
    child_ok = starts & parent.notna() & (frame["level"] > 0)
    return (is_total & root_ok) | (~is_total & child_ok)


def team_nodes_hang_under_team(frame: pd.DataFrame) -> pd.Series:
    """A group or rep node (team, level 2+) has a parent node under team/; regions hang
    under total."""
    team = frame["dimension"] == "team"
    parent = frame["parent_node_id"].astype("string")
    under_team = parent.str.startswith("team/").fillna(False).astype(bool)
    under_total = (parent == "total").fillna(False).astype(bool)
    level = frame["level"]
    return ~team | ((level >= 2) & under_team) | ((level == 1) & under_total)


def non_negative_unless_rate(frame: pd.DataFrame, columns: list[str]) -> pd.Series:
    """Money, units and customer counts are never negative; a rate may be (a lift can fall)."""
    is_rate = frame["metric"] == "rate"
    values = frame[columns].apply(pd.to_numeric, errors="coerce")
    return is_rate | (values.fillna(0) >= 0).all(axis=1)


class MartContract(pa.DataFrameModel):
    """Shared config: exact columns, values coerced to the contract's types."""

    class Config:
        strict = True
        coerce = True


# ---------------------------------------------------------------- targets
class TargetTreeNodes(MartContract):
    """Columns and rules every target-tree table shares (the mart and rpt_target_tree)."""

    quarter: Series[str] = quarter_field()
    node_id: Series[str] = node_id_field()
    parent_node_id: Series[str] = parent_node_id_field()
    dimension: Series[str] = dimension_field()
    level: Series[pd.Int64Dtype] = depth_field()
    node_name: Series[str] = text_field("name shown to people (segment, group or rep name)")
    metric: Series[str] = metric_field()
    target_value: Series[float] = target_field("target as of the quarter's as-of date")
    original_target_value: Series[float] = target_field("target as planned", nullable=True)
    revision_reason: Series[str] = text_field("reason of the revision in effect, if any")
    revision_effective_date: Series[pa.typing.Date] = date_field(
        "day that revision took effect", nullable=True
    )
    revision_approved_by: Series[str] = text_field("who approved that revision")
    is_partition_of_parent: Series[bool] = pa.Field(
        description="the node and its same-dimension siblings split the parent exactly"
    )
    as_of_date: Series[pa.typing.Date] = date_field("revisions effective by then apply")

    class Config:
        unique = ["quarter", "node_id", "metric"]

    @pa.dataframe_check(name="node_path_matches_dimension")
    @classmethod
    def node_path_matches_dimension(cls, frame: pd.DataFrame) -> pd.Series:
        return node_path_matches_dimension(frame)

    @pa.dataframe_check(name="team_nodes_hang_under_team")
    @classmethod
    def team_nodes_hang_under_team(cls, frame: pd.DataFrame) -> pd.Series:
        return team_nodes_hang_under_team(frame)

    @pa.dataframe_check(name="revision_reason_with_effective_date")
    @classmethod
    def revision_reason_with_effective_date(cls, frame: pd.DataFrame) -> pd.Series:
        return frame["revision_reason"].isna() == frame["revision_effective_date"].isna()


class TargetTree(TargetTreeNodes):
    """marts.fct_target_tree: quarter x node x metric, target as of the as-of date."""

    quarter_start_date: Series[pa.typing.Date] = date_field("first day of the quarter")
    quarter_end_date: Series[pa.typing.Date] = date_field("last day of the quarter")

    @pa.dataframe_check(name="as_of_date_within_quarter")
    @classmethod
    def as_of_date_within_quarter(cls, frame: pd.DataFrame) -> pd.Series:
        as_of = pd.to_datetime(frame["as_of_date"])
        start = pd.to_datetime(frame["quarter_start_date"])
        end = pd.to_datetime(frame["quarter_end_date"])
        return (start <= as_of) & (as_of <= end)


# ---------------------------------------------------------------- actuals
class NodeActuals(MartContract):
    """marts.fct_node_actuals: quarter x node x metric, actual as of the as-of date."""

    quarter: Series[str] = quarter_field()
    node_id: Series[str] = node_id_field()
    metric: Series[str] = metric_field()
    parent_node_id: Series[str] = parent_node_id_field()
    dimension: Series[str] = dimension_field()
    level: Series[pd.Int64Dtype] = depth_field()
    node_name: Series[str] = text_field("name shown to people")
    measure_kind: Series[str] = pa.Field(
        isin=MEASURE_KINDS, description="sum, accumulating_rate or level_rate"
    )
    target_value: Series[float] = target_field("quarter target; null for actual-only nodes", True)
    actual_value: Series[float] = value_field("actual as of the as-of date")
    completion: Series[float] = completion_field()
    expected_to_date: Series[float] = target_field("target due by the as-of date", True)
    completion_to_date: Series[float] = completion_field("actual_value / expected_to_date")
    as_of_date: Series[pa.typing.Date] = date_field("day the numbers are as of")

    class Config:
        unique = ["quarter", "node_id", "metric"]

    @pa.dataframe_check(name="completion_is_actual_over_target")
    @classmethod
    def completion_is_actual_over_target(cls, frame: pd.DataFrame) -> pd.Series:
        return completion_is_actual_over_target(frame, "actual_value", "target_value", "completion")

    @pa.dataframe_check(name="non_negative_unless_rate")
    @classmethod
    def non_negative_unless_rate(cls, frame: pd.DataFrame) -> pd.Series:
        return non_negative_unless_rate(frame, ["actual_value"])

    @pa.dataframe_check(name="node_path_matches_dimension")
    @classmethod
    def node_path_matches_dimension(cls, frame: pd.DataFrame) -> pd.Series:
        return node_path_matches_dimension(frame)

    @pa.dataframe_check(name="team_nodes_hang_under_team")
    @classmethod
    def team_nodes_hang_under_team(cls, frame: pd.DataFrame) -> pd.Series:
        return team_nodes_hang_under_team(frame)


def week_start_is_monday(frame: pd.DataFrame) -> pd.Series:
    return pd.to_datetime(frame["week_start"]).dt.dayofweek == 0


def judged_completion_is_the_measure_judged_on(frame: pd.DataFrame) -> pd.Series:
    """judged_completion is the week's or the to-date completion, as judged_on names."""
    expected = (
        frame["week_completion"]
        .where(frame["judged_on"] == "week", frame["completion_to_date"])
        .where(frame["judged_on"].notna())
    )
    both_null = expected.isna() & frame["judged_completion"].isna()
    close = (frame["judged_completion"] - expected).abs() <= COMPLETION_TOLERANCE
    return both_null | close


class ProgressWeekly(MartContract):
    """marts.fct_progress_weekly: quarter x reported week x node x metric."""

    quarter: Series[str] = quarter_field()
    week_start: Series[pa.typing.Date] = date_field("Monday of the week")
    week_number: Series[pd.Int64Dtype] = pa.Field(ge=1, le=15, description="week of the quarter")
    node_id: Series[str] = node_id_field()
    metric: Series[str] = metric_field()
    parent_node_id: Series[str] = parent_node_id_field()
    dimension: Series[str] = dimension_field()
    level: Series[pd.Int64Dtype] = depth_field()
    node_name: Series[str] = text_field("name shown to people")
    measure_kind: Series[str] = pa.Field(
        isin=MEASURE_KINDS, description="sum, accumulating_rate or level_rate"
    )
    reported_through: Series[pa.typing.Date] = date_field("last day the week is measured through")
    is_as_of_week: Series[bool] = pa.Field(description="the week holding the as-of date")
    is_complete_week: Series[bool] = pa.Field(description="measured through the week's last day")
    remaining_working_days: Series[pd.Int64Dtype] = pa.Field(
        ge=0, nullable=True, description="working days after the week end"
    )
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
    judged_on: Series[str] = pa.Field(
        isin=JUDGED_ON, nullable=True, description="what the flag judges; null: not judged"
    )
    judged_completion: Series[float] = completion_field("the completion the flag judges")

    class Config:
        unique = ["quarter", "week_start", "node_id", "metric"]

    @pa.dataframe_check(name="week_start_is_monday")
    @classmethod
    def week_start_is_monday(cls, frame: pd.DataFrame) -> pd.Series:
        return week_start_is_monday(frame)

    @pa.dataframe_check(name="judged_completion_is_the_measure_judged_on")
    @classmethod
    def judged_completion_rule(cls, frame: pd.DataFrame) -> pd.Series:
        return judged_completion_is_the_measure_judged_on(frame)

    @pa.dataframe_check(name="reported_through_within_week")
    @classmethod
    def reported_through_within_week(cls, frame: pd.DataFrame) -> pd.Series:
        start = pd.to_datetime(frame["week_start"])
        through = pd.to_datetime(frame["reported_through"])
        return (start <= through) & (through <= start + pd.Timedelta(days=6))

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


def completion_below_threshold(frame: pd.DataFrame) -> pd.Series:
    """A warning exists because completion fell below the line it names."""
    return frame["completion"] < frame["threshold"]


class Warnings(MartContract):
    """marts.fct_warnings: quarter x week x node x metric behind pace."""

    quarter: Series[str] = quarter_field()
    week_start: Series[pa.typing.Date] = date_field("Monday of the week")
    week_number: Series[pd.Int64Dtype] = pa.Field(ge=1, le=15, description="week of the quarter")
    node_id: Series[str] = node_id_field()
    metric: Series[str] = metric_field()
    level: Series[str] = pa.Field(isin=WARNING_LEVELS, description="amber or red")
    completion: Series[float] = pa.Field(ge=0, description="the completion judged (judged_on)")
    threshold: Series[float] = pa.Field(gt=0, description="the line crossed (amber or red)")
    amber_below: Series[float] = pa.Field(gt=0, description="the metric's warning line")
    red_below: Series[float] = pa.Field(gt=0, description="the metric's red line")
    consecutive_weeks: Series[pd.Int64Dtype] = pa.Field(
        ge=1, description="weeks in a row below the warning line, this one included"
    )
    owner_rep_id: Series[str] = text_field("owner rep id, if a rep")
    owner_rep_name: Series[str] = text_field("owner rep's name, if a rep")
    node_name: Series[str] = text_field("node name")
    dimension: Series[str] = dimension_field()
    measure_kind: Series[str] = pa.Field(
        isin=MEASURE_KINDS, description="sum, accumulating_rate or level_rate"
    )
    judged_on: Series[str] = pa.Field(
        isin=JUDGED_ON, description="week: the week's completion; to_date: completion to date"
    )
    actual_to_date: Series[float] = value_field("actual to the week end")
    target_to_date: Series[float] = target_field("target due to the week end", True)
    remaining_working_days: Series[pd.Int64Dtype] = pa.Field(
        ge=0, description="working days left in the quarter after the week"
    )
    required_daily_run_rate: Series[float] = pa.Field(
        ge=0, nullable=True, description="daily run rate still needed"
    )

    class Config:
        unique = ["quarter", "week_start", "node_id", "metric"]

    @pa.dataframe_check(name="completion_below_threshold")
    @classmethod
    def completion_below_threshold(cls, frame: pd.DataFrame) -> pd.Series:
        return completion_below_threshold(frame)

    @pa.dataframe_check(name="threshold_is_the_level_line")
    @classmethod
    def threshold_is_the_level_line(cls, frame: pd.DataFrame) -> pd.Series:
        line = frame["amber_below"].where(frame["level"] == "amber", frame["red_below"])
        return (frame["threshold"] - line).abs() <= COMPLETION_TOLERANCE

    @pa.dataframe_check(name="week_start_is_monday")
    @classmethod
    def week_start_is_monday(cls, frame: pd.DataFrame) -> pd.Series:
        return week_start_is_monday(frame)


# Contract of each mart, by relation name.
MART_CONTRACTS: dict[str, type[pa.DataFrameModel]] = {
    "marts.fct_target_tree": TargetTree,
    "marts.fct_node_actuals": NodeActuals,
    "marts.fct_progress_weekly": ProgressWeekly,
    "marts.fct_warnings": Warnings,
}
