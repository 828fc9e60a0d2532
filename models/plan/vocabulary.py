"""The words and limits the plan files share: quarters, segments, kinds, roles, money."""

from __future__ import annotations

import re

import pandas as pd
import pandera.pandas as pa

QUARTER_PATTERN = r"^\d{4}Q[1-4]$"

# Customer and product segments are the method's. Team segments are the plan's own region
# tiers, any name: each region counts in the tier region_tiers.csv gives it, else in the
# CRM's; the demo's are tier1, tier2, tier3_4 and channel. Group kinds are named by the
# plan the same way (group_kinds.csv, else the CRM's); weights and responsibilities refer
# to them by name.
DIMENSION_SEGMENTS: dict[str, tuple[str, ...] | None] = {
    "customer": ("existing", "new"),
    "product": ("core", "new", "long_tail"),
    "team": None,  # the plan's region tiers
}
REP_ROLES = ["sales", "top_sales", "newcomer", "customer_success", "channel_manager"]
TREE_METRICS = ["revenue", "units", "customers", "rate"]
# Warning lines exist for the tree metrics and for the weekly customer KPIs.
WARNING_METRICS = [*TREE_METRICS, "new_customers", "lead_conversion_rate", "repurchase_rate"]
# Nodes whose revenue a responsibility can take a slice of.
RESPONSIBILITY_SOURCES = [
    f"{dimension}/{segment}"
    for dimension in ("customer", "product")
    for segment in DIMENSION_SEGMENTS[dimension] or ()
]
# Fourteen Monday-to-Sunday weeks touch a quarter at most.
MAX_WEEKS_IN_QUARTER = 14
# Anything of 10^16 or more does not fit DECIMAL(18,2).
MONEY_LIMIT = 1e16
SLUG_PATTERN = r"^[a-z][a-z0-9_]*$"


def segment_is_valid(dimension: str, segment: str) -> bool:
    """A segment the dimension has: the method's for customer and product, any name
    (lowercase letters, digits and underscores) for a team tier."""
    segments = DIMENSION_SEGMENTS.get(dimension, ())
    if segments is None:
        return isinstance(segment, str) and re.fullmatch(SLUG_PATTERN, segment) is not None
    return segment in segments


def quarter_field(description: str) -> pa.Field:
    return pa.Field(str_matches=QUARTER_PATTERN, description=description)


def is_whole_cents(series: pd.Series) -> pd.Series:
    cents = series * 100
    return series.isna() | ((cents - cents.round()).abs() < 1e-6)


def exactly_one_of(frame: pd.DataFrame, first: str, second: str) -> pd.Series:
    return frame[first].notna() != frame[second].notna()
