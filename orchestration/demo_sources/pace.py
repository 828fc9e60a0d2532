"""How many orders each rep books on each day of a quarter.

At full pace every group brings its share of revenue (org.group_revenue_share) whoever
is in it, split over its current reps by role weight, so a move shifts no group off its
plan. Days follow the week (quiet weekends) and the quarter-end push; the business grows
mildly quarter on quarter; lagging groups sell at their fraction of plan from week 3.
Daily expectations are rounded systematically per rep, so weekly totals stay steady
and mostly the order values add noise.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from orchestration.demo_sources import org, rates
from orchestration.demo_sources.catalog import Catalog
from orchestration.demo_sources.timeline import Quarter, Timeline

NOT_HIRED = -1


@dataclass(frozen=True)
class QuarterPace:
    days: np.ndarray  # day numbers with data, ascending
    group: np.ndarray  # [rep, day] index into org.GROUPS, NOT_HIRED before the hire date
    orders: np.ndarray  # [rep, day] orders booked
    full_pace_revenue: float  # expected net revenue of the whole quarter if nobody lagged


def expected_lines_per_order(role: str) -> float:
    """Average basket size of a rep: a new customer's first basket is bigger."""
    share = rates.NEW_CUSTOMER_ORDER_SHARE[role]
    first = np.dot(np.arange(1, 5), rates.FIRST_ORDER_LINES_WEIGHTS)
    other = np.dot(np.arange(1, 5), rates.LINES_PER_ORDER_WEIGHTS)
    return float(share * first + (1 - share) * other)


@dataclass(frozen=True)
class SellingPower:
    """What decides how many orders a rep books at full pace."""

    role_weight: np.ndarray  # [rep] ROLE_WEIGHTS of the rep's role
    group_share: np.ndarray  # [group] revenue share of the group at full pace
    order_value: np.ndarray  # [rep, group] expected order value of the rep selling in a group
    revenue_per_order_share: float  # scales full-pace order shares of the home org to sum 1


def selling_power(catalog: Catalog) -> SellingPower:
    role_weight = np.array([org.ROLE_WEIGHTS[r.role] for r in org.REPS])
    group_share = np.array([org.group_revenue_share(g) for g in org.GROUP_IDS])
    lines = np.array([expected_lines_per_order(r.role) for r in org.REPS])
    line_value = np.array(
        [catalog.expected_line_value(rates.TIER_MIX[g.group_kind]) for g in org.GROUPS]
    )
    order_value = lines[:, None] * line_value[None, :]
    home = np.array([org.GROUP_IDS.index(r.home_group_id) for r in org.REPS])
    home_weight = np.bincount(home, weights=role_weight)
    home_revenue = group_share[home] * role_weight / home_weight[home]
    scale = float((home_revenue / order_value[np.arange(len(home)), home]).sum())
    return SellingPower(role_weight, group_share, order_value, scale)


def order_shares(power: SellingPower, groups: np.ndarray) -> np.ndarray:
    """[rep, day] share of the day's orders each rep books at full pace.

    A group brings its revenue share whoever is in it that day: the share is split over
    the current members by role weight, then turned into orders with the rep's order value.
    """
    hired = groups != NOT_HIRED
    group = np.where(hired, groups, 0)
    weight = power.role_weight[:, None] * hired
    group_weight = np.stack([(weight * (group == g)).sum(axis=0) for g in range(len(org.GROUPS))])
    members_weight = np.take_along_axis(group_weight, group, axis=0)
    revenue = np.where(
        hired, power.group_share[group] * weight / np.maximum(members_weight, 1e-9), 0
    )
    value = power.order_value[np.arange(len(org.REPS))[:, None], group]
    return revenue / value / power.revenue_per_order_share


def rep_groups_by_day(timeline: Timeline, days: np.ndarray) -> np.ndarray:
    """[rep, day] group index from hire date and moves, NOT_HIRED before the hire date."""
    group_index = {g: i for i, g in enumerate(org.GROUP_IDS)}
    groups = np.full((len(org.REPS), len(days)), NOT_HIRED, dtype=np.int16)
    for i, rep in enumerate(org.REPS):
        groups[i, days >= timeline.day_number(rep.hire_date)] = group_index[rep.home_group_id]
        for move in sorted(org.REP_MOVES, key=lambda m: m.effective):
            if move.rep_id == rep.rep_id:
                moved = days >= timeline.day_number(move.effective)
                groups[i, moved] = group_index[move.to_group_id]
    return groups


def quarter_day_weights(timeline: Timeline, quarter: Quarter) -> np.ndarray:
    """Relative selling weight of every calendar day of the quarter (weekday x push)."""
    weekday = timeline.weekday[quarter.start_day : quarter.end_day + 1]
    weights = np.asarray(rates.WEEKDAY_WEIGHTS)[weekday]
    weights[-rates.QUARTER_END_PUSH_DAYS :] *= rates.QUARTER_END_PUSH
    return weights


def week_of_quarter(timeline: Timeline, quarter: Quarter, days: np.ndarray) -> np.ndarray:
    """1 for the (Monday-based) week containing the quarter's first day, then 2, 3, ..."""
    first_monday = quarter.start_day - int(timeline.weekday[quarter.start_day])
    return (days - first_monday) // 7 + 1


def plan_quarter(
    timeline: Timeline,
    quarter: Quarter,
    orders_per_quarter: int,
    power: SellingPower,
    rng: np.random.Generator,
) -> QuarterPace:
    all_days = np.arange(quarter.start_day, quarter.end_day + 1)
    quarter_orders = orders_per_quarter * (1 + rates.GROWTH_PER_QUARTER) ** (quarter.index - 1)
    day_weights = quarter_day_weights(timeline, quarter)
    all_groups = rep_groups_by_day(timeline, all_days)
    full_pace = quarter_orders * day_weights / day_weights.sum() * order_shares(power, all_groups)
    reps = np.arange(len(org.REPS))[:, None]
    order_value = power.order_value[reps, np.where(all_groups == NOT_HIRED, 0, all_groups)]
    full_pace_revenue = float((full_pace * order_value).sum()) / 100

    with_data = quarter.days_with_data
    days, groups, full_pace = (
        all_days[:with_data],
        all_groups[:, :with_data],
        full_pace[:, :with_data],
    )
    lag = np.ones(len(org.GROUP_IDS) + 1)  # the extra last slot serves NOT_HIRED (-1)
    for group_id, fraction in org.LAGGING_GROUPS.items():
        lag[org.GROUP_IDS.index(group_id)] = fraction
    lag[NOT_HIRED] = 0.0
    lagging_weeks = week_of_quarter(timeline, quarter, days) >= rates.LAGGING_FROM_WEEK
    factor = np.where(lagging_weeks[None, :], lag[groups], (groups != NOT_HIRED).astype(float))

    sigma = rates.DAILY_PACE_NOISE
    noise = rng.lognormal(-sigma * sigma / 2, sigma, groups.shape)  # mean 1
    expected = full_pace * factor * noise
    # Systematic rounding: each rep's running total stays within one order of expectation.
    running = np.floor(np.cumsum(expected, axis=1) + rng.random((len(org.REPS), 1)))
    orders = np.diff(running, axis=1, prepend=0.0).astype(np.int64)
    return QuarterPace(days, groups, orders, full_pace_revenue)
