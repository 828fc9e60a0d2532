"""Table-level row rules of the marts and published tables, each a named function of the
frame: completion is actual / target (negative rates count as 0%, no target means no
completion), a node's path starts with its dimension, a team node below the regions hangs
under a `team/` node, a warning's completion lies below the line it crossed.

That a revenue node's children sum to it is a dbt test (`children_sum_to_parent`): it
needs whole quarters, not the chunks a pandera contract sees.
"""

from functools import partial

import numpy as np
import pandas as pd

from models.registry.schema import RowRule
from models.registry.values import COMPLETION_TOLERANCE, DECIMAL_HALF_STEP, SIGNED_KPIS

# The SQL spellings (`RowRule.sql`) screen tables in the warehouse; a row they do not pass
# goes to the pandas rule, which decides. Comparisons of doubles keep this much inside the
# pandas bound, so the order of floating-point operations never lets SQL pass a row the
# pandas rule fails.
SQL_MARGIN = 1e-12
TOLERANCE_SQL = f"({COMPLETION_TOLERANCE!r} - {SQL_MARGIN!r})"


def completion_sql(actual: str, target: str, completion: str) -> str:
    """SQL of `completion_is_actual_over_target`, on the columns read as doubles."""
    ratio = f"({actual} / {target})"
    rounding = (
        f"abs({ratio}) * {DECIMAL_HALF_STEP!r} * "
        f"(1 / greatest(abs({actual}), {DECIMAL_HALF_STEP!r}) + 1 / {target})"
    )
    return (
        f"case when {target} > 0 and {actual} is not null "
        f"then abs({completion} - greatest({ratio}, 0)) <= {TOLERANCE_SQL} + {rounding} "
        f"else {completion} is null end"
    )


def _ratio_sql(actual: str, target: str, completion: str) -> str:
    applies = (
        f"coalesce({actual} >= 0, false) and coalesce({target} > 0, false) "
        f"and {completion} is not null"
    )
    return f"(not ({applies}) or ({completion_sql(actual, target, completion)}))"


def _quoted(values: tuple[str, ...]) -> str:
    return ", ".join(f"'{v}'" for v in values)


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


def week_start_is_monday(frame: pd.DataFrame) -> pd.Series:
    return pd.to_datetime(frame["week_start"]).dt.dayofweek == 0


def completion_below_threshold(frame: pd.DataFrame) -> pd.Series:
    """A warning exists because completion fell below the line it names."""
    return frame["completion"] < frame["threshold"]


def _as_of_date_within_quarter(frame: pd.DataFrame) -> pd.Series:
    as_of = pd.to_datetime(frame["as_of_date"])
    start = pd.to_datetime(frame["quarter_start_date"])
    end = pd.to_datetime(frame["quarter_end_date"])
    return (start <= as_of) & (as_of <= end)


def _judged_completion_is_the_measure_judged_on(frame: pd.DataFrame) -> pd.Series:
    """judged_completion is the week's or the to-date completion, as judged_on names."""
    expected = (
        frame["week_completion"]
        .where(frame["judged_on"] == "week", frame["completion_to_date"])
        .where(frame["judged_on"].notna())
    )
    both_null = expected.isna() & frame["judged_completion"].isna()
    close = (frame["judged_completion"] - expected).abs() <= COMPLETION_TOLERANCE
    return both_null | close


def _reported_through_within_week(frame: pd.DataFrame) -> pd.Series:
    start = pd.to_datetime(frame["week_start"])
    through = pd.to_datetime(frame["reported_through"])
    return (start <= through) & (through <= start + pd.Timedelta(days=6))


def _threshold_is_the_level_line(frame: pd.DataFrame) -> pd.Series:
    line = frame["amber_below"].where(frame["level"] == "amber", frame["red_below"])
    return (frame["threshold"] - line).abs() <= COMPLETION_TOLERANCE


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
        sql=completion_sql(actual, target, completion),
    )


def ratio_rule(name: str, actual: str, target: str, completion: str) -> RowRule:
    """`completion` is actual / target where it applies (see `_ratio_where_non_negative`)."""
    return RowRule(
        name,
        partial(_ratio_where_non_negative, actual=actual, target=target, completion=completion),
        sql=_ratio_sql(actual, target, completion),
    )


COMPLETION_IS_ACTUAL_OVER_TARGET = completion_rule(
    "completion_is_actual_over_target", "actual_value", "target_value", "completion"
)
NODE_PATH_MATCHES_DIMENSION = RowRule(
    "node_path_matches_dimension",
    node_path_matches_dimension,
    sql="case when dimension = 'total' "
    "then node_id = 'total' and parent_node_id is null and level = 0 "
    "else starts_with(node_id, dimension || '/') and parent_node_id is not null and level > 0 "
    "end",
)
TEAM_NODES_HANG_UNDER_TEAM = RowRule(
    "team_nodes_hang_under_team",
    team_nodes_hang_under_team,
    sql="dimension <> 'team' or (level >= 2 and starts_with(parent_node_id, 'team/')) "
    "or (level = 1 and parent_node_id = 'total')",
)
REVISION_REASON_WITH_EFFECTIVE_DATE = RowRule(
    "revision_reason_with_effective_date",
    _revision_reason_with_effective_date,
    sql="(revision_reason is null) = (revision_effective_date is null)",
)
WEEK_START_IS_MONDAY = RowRule(
    "week_start_is_monday", week_start_is_monday, sql="isodow(week_start) = 1"
)
COMPLETION_BELOW_THRESHOLD = RowRule(
    "completion_below_threshold", completion_below_threshold, sql="completion < threshold"
)
ACTUAL_NON_NEGATIVE_UNLESS_RATE = RowRule(
    "non_negative_unless_rate",
    partial(non_negative_unless_rate, columns=["actual_value"]),
    sql="metric = 'rate' or coalesce(actual_value, 0) >= 0",
)
PROGRESS_NON_NEGATIVE_UNLESS_RATE = RowRule(
    "non_negative_unless_rate",
    partial(
        non_negative_unless_rate, columns=["week_actual", "actual_to_date", "projected_quarter_end"]
    ),
    sql="metric = 'rate' or (coalesce(week_actual, 0) >= 0 and coalesce(actual_to_date, 0) >= 0 "
    "and coalesce(projected_quarter_end, 0) >= 0)",
)
ACTUAL_NON_NEGATIVE_UNLESS_A_CHANGE = RowRule(
    "actual_non_negative_unless_a_change",
    _signed_kpi_or_non_negative,
    sql=f"metric in ({_quoted(SIGNED_KPIS)}) or coalesce(actual_value, 0) >= 0",
)
REVENUE_SHARE_AT_MOST_ONE = RowRule(
    "revenue_share_at_most_one",
    _revenue_share_at_most_one,
    sql=f"metric <> 'revenue_share' or coalesce(actual_value, 0) <= 1 + {TOLERANCE_SQL}",
)
GROUPS_AND_REPS_HANG_UNDER_TEAM = RowRule(
    "groups_and_reps_hang_under_team",
    _groups_and_reps_hang_under_team,
    sql="(level = 'region' and parent_node_id = 'total') "
    "or (level <> 'region' and starts_with(parent_node_id, 'team/'))",
)
END_DATE_NOT_BEFORE_START_DATE = RowRule(
    "end_date_not_before_start_date",
    _end_date_not_before_start_date,
    ordered_pair=("end_date", "start_date"),
    sql="end_date >= start_date or start_date is null or end_date is null",
)
COMMISSION_AT_MOST_REVENUE = RowRule(
    "commission_at_most_revenue",
    _commission_at_most_revenue,
    sql=f"commission <= revenue + {TOLERANCE_SQL} or commission is null or revenue is null",
)
WEEK_COMPLETION_IS_WEEK_ACTUAL_OVER_WEEK_TARGET = completion_rule(
    "week_completion_is_week_actual_over_week_target",
    "week_actual",
    "week_target",
    "week_completion",
)
COMPLETION_TO_DATE_IS_ACTUAL_OVER_TARGET_TO_DATE = completion_rule(
    "completion_to_date_is_actual_over_target_to_date",
    "actual_to_date",
    "target_to_date",
    "completion_to_date",
)
AS_OF_DATE_WITHIN_QUARTER = RowRule(
    "as_of_date_within_quarter",
    _as_of_date_within_quarter,
    sql="quarter_start_date <= as_of_date and as_of_date <= quarter_end_date",
)
_JUDGED = (
    "(case when judged_on is null then null when judged_on = 'week' then week_completion "
    "else completion_to_date end)"
)
JUDGED_COMPLETION_IS_THE_MEASURE_JUDGED_ON = RowRule(
    "judged_completion_is_the_measure_judged_on",
    _judged_completion_is_the_measure_judged_on,
    sql=f"({_JUDGED} is null and judged_completion is null) "
    f"or abs(judged_completion - {_JUDGED}) <= {TOLERANCE_SQL}",
)
REPORTED_THROUGH_WITHIN_WEEK = RowRule(
    "reported_through_within_week",
    _reported_through_within_week,
    sql="week_start <= reported_through and reported_through <= week_start + interval 6 day",
)
THRESHOLD_IS_THE_LEVEL_LINE = RowRule(
    "threshold_is_the_level_line",
    _threshold_is_the_level_line,
    sql="abs(threshold - case when level = 'amber' then amber_below else red_below end) "
    f"<= {TOLERANCE_SQL}",
)
