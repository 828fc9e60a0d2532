"""How many orders each rep books on each day of a quarter.

A rep's planned pace makes every group bring its full-pace share of revenue
(org.group_revenue_share). Days follow the week (quiet weekends) and the quarter-end
push; the whole business grows mildly quarter on quarter; lagging groups sell at their
fraction of plan from week 3. Daily expectations are rounded systematically per rep, so
weekly totals stay steady and only the order values add noise.
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


def expected_lines_per_order(role: str) -> float:
    """Average basket size of a rep: a new customer's first basket is bigger."""
    share = rates.NEW_CUSTOMER_ORDER_SHARE[role]
    first = np.dot(np.arange(1, 5), rates.FIRST_ORDER_LINES_WEIGHTS)
    other = np.dot(np.arange(1, 5), rates.LINES_PER_ORDER_WEIGHTS)
    return float(share * first + (1 - share) * other)


def rep_order_shares(catalog: Catalog) -> np.ndarray:
    """Share of all orders each rep books at full pace, so revenue shares match the plan.

    A group's revenue share is split over its reps by role weight, then divided by the
    rep's expected order value (baskets differ by role and group kind).
    """
    shares = np.zeros(len(org.REPS))
    for i, rep in enumerate(org.REPS):
        group = org.GROUPS_BY_ID[rep.home_group_id]
        members = [r for r in org.REPS if r.home_group_id == group.group_id]
        weight = org.ROLE_WEIGHTS[rep.role] / sum(org.ROLE_WEIGHTS[r.role] for r in members)
        revenue_share = org.group_revenue_share(group.group_id) * weight
        order_value = expected_lines_per_order(rep.role) * catalog.expected_line_value(
            rates.TIER_MIX[group.group_kind]
        )
        shares[i] = revenue_share / order_value
    return shares / shares.sum()


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
    order_shares: np.ndarray,
    rng: np.random.Generator,
) -> QuarterPace:
    days = np.arange(quarter.start_day, quarter.last_day_number + 1)
    quarter_orders = orders_per_quarter * (1 + rates.GROWTH_PER_QUARTER) ** (quarter.index - 1)
    day_weights = quarter_day_weights(timeline, quarter)
    per_day = quarter_orders * day_weights[: len(days)] / day_weights.sum()

    groups = rep_groups_by_day(timeline, days)
    lag = np.ones(len(org.GROUP_IDS) + 1)  # the extra last slot serves NOT_HIRED (-1)
    for group_id, fraction in org.LAGGING_GROUPS.items():
        lag[org.GROUP_IDS.index(group_id)] = fraction
    lag[NOT_HIRED] = 0.0
    lagging_weeks = week_of_quarter(timeline, quarter, days) >= rates.LAGGING_FROM_WEEK
    factor = np.where(lagging_weeks[None, :], lag[groups], (groups != NOT_HIRED).astype(float))

    sigma = rates.DAILY_PACE_NOISE
    noise = rng.lognormal(-sigma * sigma / 2, sigma, groups.shape)  # mean 1
    expected = per_day[None, :] * order_shares[:, None] * factor * noise
    # Systematic rounding: each rep's running total stays within one order of expectation.
    running = np.floor(np.cumsum(expected, axis=1) + rng.random((len(org.REPS), 1)))
    orders = np.diff(running, axis=1, prepend=0.0).astype(np.int64)
    return QuarterPace(days=days, group=groups, orders=orders)
