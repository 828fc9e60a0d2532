"""Numbers and dates formatted for people: thousands separators, percentages, units."""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

MISSING = "–"

# How a metric's value reads: money and counts as whole numbers, rates as percentages.
RATE_METRICS = frozenset(
    {
        "rate",
        "lead_conversion_rate",
        "repurchase_rate",
        "aov_lift",
        "churn_recall_rate",
        "revenue_share",
        "sell_through_30d",
        "inventory_reduction",
    }
)


def whole(value: float | Decimal | None) -> str:
    """`12,000,000`: money and counts rounded half up to whole units."""
    if value is None:
        return MISSING
    rounded = Decimal(str(value)).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    return f"{int(rounded):,}"


def percent(value: float | Decimal | None, decimals: int = 1) -> str:
    """`57.3%` for 0.573."""
    if value is None:
        return MISSING
    return f"{float(value) * 100:,.{decimals}f}%"


def metric_value(value: float | Decimal | None, metric: str) -> str:
    """A value in the unit its metric is measured in."""
    return percent(value) if metric in RATE_METRICS else whole(value)


def compact(value: float, metric: str) -> str:
    """Short axis labels: `4.5M`, `800k`, `25%`."""
    if metric in RATE_METRICS:
        return f"{value * 100:.1f}".removesuffix(".0") + "%"
    magnitude = abs(value)
    if magnitude >= 1_000_000:
        return f"{value / 1_000_000:.1f}M".replace(".0M", "M")
    if magnitude >= 10_000:
        return f"{value / 1_000:.0f}k"
    return f"{value:,.0f}"


def day(value: date | None) -> str:
    return value.isoformat() if value else MISSING


def as_float(value: float | Decimal | None) -> float | None:
    return None if value is None else float(value)


def missing_value_label(reason: str) -> str:
    """How a value published as null reads: a rate with nothing to divide by yet ('no base:
    ...', 0 / 0) has no value yet; anything else was not measured (a table not mapped)."""
    return "no value yet" if reason.startswith("no base") else "not measured"
