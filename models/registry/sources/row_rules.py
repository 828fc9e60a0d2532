"""Row rules of the source tables: columns of one row that contradict each other.

A rule passes where a value it compares is missing: `not_null` reports that.
"""

import pandas as pd

from models.registry.schema import RowRule

# The column a quarantine row names, then the columns whose values are shown as its
# bad_value.
ROW_RULE_COLUMNS: dict[str, tuple[str, tuple[str, ...]]] = {
    "net_amount_matches_line": (
        "net_amount",
        ("quantity", "unit_price", "discount", "net_amount"),
    ),
    "valid_to_after_valid_from": ("valid_to", ("valid_from", "valid_to")),
    "end_date_not_before_start_date": ("end_date", ("start_date", "end_date")),
    "converted_at_not_before_created_at": ("converted_at", ("created_at", "converted_at")),
}
# A cent of tolerance: quantity * unit_price - discount rounded to cents at the source.
NET_AMOUNT_TOLERANCE = 0.01 + 1e-9


def _unless_missing(frame: pd.DataFrame, rule: str, holds: pd.Series) -> pd.Series:
    missing = frame[list(ROW_RULE_COLUMNS[rule][1])].isna().any(axis=1)
    return missing | holds.astype("boolean").fillna(False).astype(bool)


def _valid_to_after_valid_from(frame: pd.DataFrame) -> pd.Series:
    holds = pd.to_datetime(frame["valid_to"]) > pd.to_datetime(frame["valid_from"])
    return _unless_missing(frame, "valid_to_after_valid_from", holds)


def _end_date_not_before_start_date(frame: pd.DataFrame) -> pd.Series:
    holds = pd.to_datetime(frame["end_date"]) >= pd.to_datetime(frame["start_date"])
    return _unless_missing(frame, "end_date_not_before_start_date", holds)


def _converted_at_not_before_created_at(frame: pd.DataFrame) -> pd.Series:
    holds = frame["converted_at"] >= frame["created_at"]
    return _unless_missing(frame, "converted_at_not_before_created_at", holds)


def _net_amount_matches_line(frame: pd.DataFrame) -> pd.Series:
    expected = frame["quantity"].astype("float64") * frame["unit_price"] - frame["discount"]
    holds = (frame["net_amount"] - expected).abs() <= NET_AMOUNT_TOLERANCE
    return _unless_missing(frame, "net_amount_matches_line", holds)


def _sql_unless_missing(rule: str, holds: str) -> str:
    """The SQL spelling of `_unless_missing`: the rule passes where a compared value is null."""
    missing = " or ".join(f"{column} is null" for column in ROW_RULE_COLUMNS[rule][1])
    return f"({missing} or ({holds}))"


VALID_TO_AFTER_VALID_FROM = RowRule(
    "valid_to_after_valid_from",
    _valid_to_after_valid_from,
    sql=_sql_unless_missing("valid_to_after_valid_from", "valid_to > valid_from"),
)
END_DATE_NOT_BEFORE_START_DATE = RowRule(
    "end_date_not_before_start_date",
    _end_date_not_before_start_date,
    sql=_sql_unless_missing("end_date_not_before_start_date", "end_date >= start_date"),
)
CONVERTED_AT_NOT_BEFORE_CREATED_AT = RowRule(
    "converted_at_not_before_created_at",
    _converted_at_not_before_created_at,
    sql=_sql_unless_missing("converted_at_not_before_created_at", "converted_at >= created_at"),
)
# In doubles, operation for operation as the pandas rule computes it.
NET_AMOUNT_MATCHES_LINE = RowRule(
    "net_amount_matches_line",
    _net_amount_matches_line,
    sql=_sql_unless_missing(
        "net_amount_matches_line",
        "abs(net_amount::double - (quantity::double * unit_price::double - discount::double))"
        f" <= {NET_AMOUNT_TOLERANCE!r}",
    ),
)
