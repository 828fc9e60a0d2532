"""The words and limits the plan files share: quarters, segments, kinds, roles, money."""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa

QUARTER_PATTERN = r"^\d{4}Q[1-4]$"

DIMENSION_SEGMENTS: dict[str, tuple[str, ...]] = {
    "customer": ("existing", "new"),
    "product": ("core", "new", "long_tail"),
    "team": ("tier1", "tier2", "tier3_4", "channel"),
}
REGION_TIERS = list(DIMENSION_SEGMENTS["team"])
GROUP_KINDS = ["star", "normal", "newcomer", "new_product_squad"]
REP_ROLES = ["sales", "top_sales", "newcomer", "customer_success", "channel_manager"]
TREE_METRICS = ["revenue", "units", "customers", "rate"]
# Warning lines exist for the tree metrics and for the weekly customer KPIs.
WARNING_METRICS = [*TREE_METRICS, "new_customers", "lead_conversion_rate", "repurchase_rate"]
# Nodes whose revenue a responsibility can take a slice of.
RESPONSIBILITY_SOURCES = [
    f"{dimension}/{segment}"
    for dimension in ("customer", "product")
    for segment in DIMENSION_SEGMENTS[dimension]
]
# Fourteen Monday-to-Sunday weeks touch a quarter at most.
MAX_WEEKS_IN_QUARTER = 14
# Anything of 10^16 or more does not fit DECIMAL(18,2).
MONEY_LIMIT = 1e16
SLUG_PATTERN = r"^[a-z][a-z0-9_]*$"


def quarter_field(description: str) -> pa.Field:
    return pa.Field(str_matches=QUARTER_PATTERN, description=description)


def is_whole_cents(series: pd.Series) -> pd.Series:
    cents = series * 100
    return series.isna() | ((cents - cents.round()).abs() < 1e-6)


def exactly_one_of(frame: pd.DataFrame, first: str, second: str) -> pd.Series:
    return frame[first].notna() != frame[second].notna()
