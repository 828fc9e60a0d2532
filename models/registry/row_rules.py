"""Table-level row rules of the published tables, each a named function of the frame.

The rules the marts share (completion is actual / target, node paths, Mondays) come from
`models/marts.py`; the ones here hold only for published tables.
"""

from functools import partial

import pandas as pd

from models.marts import (
    COMPLETION_TOLERANCE,
    completion_below_threshold,
    completion_is_actual_over_target,
    node_path_matches_dimension,
    non_negative_unless_rate,
    team_nodes_hang_under_team,
    week_start_is_monday,
)
from models.registry.columns import SIGNED_KPIS
from models.registry.schema import RowRule


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


def _signed_kpi_or_non_negative(frame: pd.DataFrame) -> pd.Series:
    values = pd.to_numeric(frame["actual_value"], errors="coerce").fillna(0)
    return frame["metric"].isin(SIGNED_KPIS) | (values >= 0)


def _revision_reason_with_effective_date(frame: pd.DataFrame) -> pd.Series:
    return frame["revision_reason"].isna() == frame["revision_effective_date"].isna()


def _revenue_share_at_most_one(frame: pd.DataFrame) -> pd.Series:
    share = frame["metric"] == "revenue_share"
    return ~share | (frame["actual_value"].fillna(0) <= 1 + COMPLETION_TOLERANCE)


def _groups_and_reps_hang_under_team(frame: pd.DataFrame) -> pd.Series:
    """A rep or group has a team/ parent; a region hangs under total."""
    parent = frame["parent_node_id"].astype("string")
    under_team = parent.str.startswith("team/").fillna(False).astype(bool)
    under_total = (parent == "total").fillna(False).astype(bool)
    is_region = frame["level"] == "region"
    return (is_region & under_total) | (~is_region & under_team)


def _end_date_not_before_start_date(frame: pd.DataFrame) -> pd.Series:
    holds = pd.to_datetime(frame["end_date"]) >= pd.to_datetime(frame["start_date"])
    return holds | frame["start_date"].isna() | frame["end_date"].isna()


def _commission_at_most_revenue(frame: pd.DataFrame) -> pd.Series:
    holds = frame["commission"] <= frame["revenue"] + COMPLETION_TOLERANCE
    return holds | frame["commission"].isna() | frame["revenue"].isna()


def completion_rule(name: str, actual: str, target: str, completion: str) -> RowRule:
    """`completion` is max(0, actual / target) where target > 0, else null."""
    return RowRule(
        name,
        partial(
            completion_is_actual_over_target, actual=actual, target=target, completion=completion
        ),
    )


def ratio_rule(name: str, actual: str, target: str, completion: str) -> RowRule:
    """`completion` is actual / target where it applies (see `_ratio_where_non_negative`)."""
    return RowRule(
        name,
        partial(_ratio_where_non_negative, actual=actual, target=target, completion=completion),
    )


COMPLETION_IS_ACTUAL_OVER_TARGET = completion_rule(
    "completion_is_actual_over_target", "actual_value", "target_value", "completion"
)
NODE_PATH_MATCHES_DIMENSION = RowRule("node_path_matches_dimension", node_path_matches_dimension)
TEAM_NODES_HANG_UNDER_TEAM = RowRule("team_nodes_hang_under_team", team_nodes_hang_under_team)
REVISION_REASON_WITH_EFFECTIVE_DATE = RowRule(
    "revision_reason_with_effective_date", _revision_reason_with_effective_date
)
WEEK_START_IS_MONDAY = RowRule("week_start_is_monday", week_start_is_monday)
COMPLETION_BELOW_THRESHOLD = RowRule("completion_below_threshold", completion_below_threshold)
PROGRESS_NON_NEGATIVE_UNLESS_RATE = RowRule(
    "non_negative_unless_rate",
    partial(
        non_negative_unless_rate, columns=["week_actual", "actual_to_date", "projected_quarter_end"]
    ),
)
ACTUAL_NON_NEGATIVE_UNLESS_A_CHANGE = RowRule(
    "actual_non_negative_unless_a_change", _signed_kpi_or_non_negative
)
REVENUE_SHARE_AT_MOST_ONE = RowRule("revenue_share_at_most_one", _revenue_share_at_most_one)
GROUPS_AND_REPS_HANG_UNDER_TEAM = RowRule(
    "groups_and_reps_hang_under_team", _groups_and_reps_hang_under_team
)
END_DATE_NOT_BEFORE_START_DATE = RowRule(
    "end_date_not_before_start_date",
    _end_date_not_before_start_date,
    ordered_pair=("end_date", "start_date"),
)
COMMISSION_AT_MOST_REVENUE = RowRule("commission_at_most_revenue", _commission_at_most_revenue)
