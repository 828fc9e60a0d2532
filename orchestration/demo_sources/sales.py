"""Orders and order lines of one quarter, with their later cancellations and refunds.

Orders are booked during business hours by the reps of `pace`; a few are booked by a
colleague in the owner's group. Baskets hold 1-4 lines whose product tiers follow the
selling group (the new-product squad sells mostly new products). A few percent of
orders are cancelled days later or refunded weeks later; an update that would land on
or after the reference date has not happened yet.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from orchestration.demo_sources import org, rates
from orchestration.demo_sources.catalog import Catalog
from orchestration.demo_sources.customers import FIRST_ORDER, REPEAT_ORDER
from orchestration.demo_sources.pace import QuarterPace
from orchestration.demo_sources.timeline import SECONDS_PER_DAY, Timeline

STATUSES = np.array(["completed", "cancelled", "refunded"], dtype=object)
COMPLETED, CANCELLED, REFUNDED = 0, 1, 2
GROUP_KINDS = tuple(rates.TIER_MIX)


@dataclass(frozen=True)
class BookedOrders:
    """Orders of a quarter sorted by time: who booked them and when."""

    rep: np.ndarray  # index into org.REPS
    day: np.ndarray  # day number
    seconds: np.ndarray  # second of the day


@dataclass(frozen=True)
class QuarterSales:
    order_id: np.ndarray
    customer: np.ndarray  # customer book index
    rep: np.ndarray  # the rep who booked the order (owner or a colleague)
    day: np.ndarray
    seconds: np.ndarray
    status: np.ndarray  # COMPLETED | CANCELLED | REFUNDED, as of the reference date
    updated_day: np.ndarray
    updated_seconds: np.ndarray
    line_id: np.ndarray
    line_order: np.ndarray  # position of the line's order in the arrays above
    product: np.ndarray  # catalog index
    quantity: np.ndarray
    price_cents: np.ndarray
    discount_cents: np.ndarray
    net_cents: np.ndarray

    @property
    def completed_revenue_cents(self) -> int:
        completed = self.status[self.line_order] == COMPLETED
        return int(self.net_cents[completed].sum())


def book_orders(pace: QuarterPace, rng: np.random.Generator) -> BookedOrders:
    """One order per unit of `pace.orders`, at a random business-hours second, time-sorted."""
    rep_index, day_index = np.nonzero(pace.orders)
    counts = pace.orders[rep_index, day_index]
    rep = np.repeat(rep_index, counts)
    day = np.repeat(pace.days[day_index], counts)
    opening, closing = rates.BUSINESS_HOURS
    seconds = rng.integers(opening * 3600, closing * 3600, len(rep))
    order = np.argsort(day * SECONDS_PER_DAY + seconds, kind="stable")
    return BookedOrders(rep=rep[order], day=day[order], seconds=seconds[order])


def booking_reps(
    pace: QuarterPace,
    owner: np.ndarray,
    day: np.ndarray,
    slot: np.ndarray,
    rng: np.random.Generator,
) -> np.ndarray:
    """The owner books the order, except a few repeat orders a group colleague books."""
    rep = owner.copy()
    day_index = day - pace.days[0]
    owner_group = pace.group[owner, day_index]
    swap = np.flatnonzero(
        (slot == REPEAT_ORDER) & (rng.random(len(owner)) < rates.COLLEAGUE_ORDER_SHARE)
    )
    # Membership only changes on move days, so group the swaps by (group, day membership).
    for group in np.unique(owner_group[swap]):
        in_group = swap[owner_group[swap] == group]
        members_by_day = pace.group[:, day_index[in_group]] == group  # [rep, swap]
        for column in np.unique(members_by_day, axis=1).T:
            same = in_group[(members_by_day == column[:, None]).all(axis=0)]
            members = np.flatnonzero(column)
            rep[same] = members[rng.integers(0, len(members), len(same))]
    return rep


def late_updates(
    day: np.ndarray, seconds: np.ndarray, reference_day: int, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Status as of the reference date and the time of the last change of every order."""
    count = len(day)
    status = np.full(count, COMPLETED, dtype=np.int8)
    updated_day, updated_seconds = day.copy(), seconds.copy()
    changed = np.flatnonzero(rng.random(count) < rates.LATE_UPDATE_SHARE)
    cancel = rng.random(len(changed)) < rates.LATE_CANCEL_SHARE
    delay = np.where(
        cancel,
        rng.integers(rates.CANCEL_DELAY_DAYS[0], rates.CANCEL_DELAY_DAYS[1] + 1, len(changed)),
        rng.integers(rates.REFUND_DELAY_DAYS[0], rates.REFUND_DELAY_DAYS[1] + 1, len(changed)),
    )
    when = day[changed] + delay
    happened = when < reference_day
    changed, cancel, when = changed[happened], cancel[happened], when[happened]
    status[changed] = np.where(cancel, CANCELLED, REFUNDED)
    updated_day[changed] = when
    updated_seconds[changed] = rng.integers(9 * 3600, 18 * 3600, len(changed))
    return status, updated_day, updated_seconds


def _lines_per_order(slot: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    first = np.cumsum(rates.FIRST_ORDER_LINES_WEIGHTS)
    other = np.cumsum(rates.LINES_PER_ORDER_WEIGHTS)
    draw = rng.random(len(slot))
    return 1 + np.where(
        slot == FIRST_ORDER,
        np.searchsorted(first / first[-1], draw, side="right"),
        np.searchsorted(other / other[-1], draw, side="right"),
    )


def _line_tiers(kind: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Tier of every line from the tier mix of its selling group's kind."""
    cumulative = np.cumsum(np.array([rates.TIER_MIX[k] for k in GROUP_KINDS]), axis=1)
    cumulative /= cumulative[:, -1:]
    draw = rng.random(len(kind))
    return (draw[:, None] >= cumulative[kind][:, :-1]).sum(axis=1).astype(np.int8)


def make_sales(
    timeline: Timeline,
    pace: QuarterPace,
    catalog: Catalog,
    booked: BookedOrders,
    customer: np.ndarray,
    slot: np.ndarray,
    first_order_id: int,
    first_line_id: int,
    rng: np.random.Generator,
) -> QuarterSales:
    """Who books each order, its status as of the reference date, and its priced lines."""
    rep = booking_reps(pace, booked.rep, booked.day, slot, rng)
    status, updated_day, updated_seconds = late_updates(
        booked.day, booked.seconds, timeline.reference_day, rng
    )
    lines = _lines_per_order(slot, rng)
    line_order = np.repeat(np.arange(len(rep)), lines)
    line_day = booked.day[line_order]
    kind_of_group = np.array([GROUP_KINDS.index(g.group_kind) for g in org.GROUPS])
    selling_group = pace.group[rep[line_order], line_day - pace.days[0]]
    tier = _line_tiers(kind_of_group[selling_group], rng)
    product, tier = catalog.pick_products(tier, line_day, rng)
    quantity = 1 + rng.poisson(np.asarray(rates.EXTRA_UNITS_MEAN)[tier])
    price = catalog.price_cents[product]
    gross = quantity * price
    rate = np.asarray(rates.DISCOUNT_RATES)[rng.integers(0, len(rates.DISCOUNT_RATES), len(tier))]
    discounted = rng.random(len(tier)) < rates.DISCOUNTED_LINE_SHARE
    discount = np.where(discounted, np.rint(gross * rate), 0).astype(np.int64)
    return QuarterSales(
        order_id=first_order_id + np.arange(len(rep)),
        customer=customer,
        rep=rep,
        day=booked.day,
        seconds=booked.seconds,
        status=status,
        updated_day=updated_day,
        updated_seconds=updated_seconds,
        line_id=first_line_id + np.arange(len(line_order)),
        line_order=line_order,
        product=product,
        quantity=quantity,
        price_cents=price,
        discount_cents=discount,
        net_cents=gross - discount,
    )


def order_and_line_rows(
    timeline: Timeline, sales: QuarterSales, customer_ids: np.ndarray, catalog: Catalog
) -> tuple[dict, dict]:
    """Rows of orders and of order lines.

    Lines keep the booking time as updated_at: a later status change only touches the order.
    """
    booked_at = timeline.timestamps(sales.day, sales.seconds)
    updated_at = booked_at.copy()
    changed = np.flatnonzero(sales.status != COMPLETED)
    updated_at[changed] = timeline.timestamps(
        sales.updated_day[changed], sales.updated_seconds[changed]
    )
    orders = {
        "order_id": sales.order_id,
        "customer_id": customer_ids[sales.customer],
        "rep_id": np.array(org.REP_IDS, dtype=object)[sales.rep],
        "order_date": timeline.dates(sales.day),
        "status": STATUSES[sales.status],
        "currency": ["CNY"] * len(sales.order_id),
        "updated_at": updated_at,
    }
    lines = {
        "order_line_id": sales.line_id,
        "order_id": sales.order_id[sales.line_order],
        "product_id": catalog.product_ids[sales.product],
        "quantity": sales.quantity,
        "unit_price": sales.price_cents / 100,
        "discount": sales.discount_cents / 100,
        "net_amount": sales.net_cents / 100,
        "updated_at": booked_at[sales.line_order],
    }
    return orders, lines


def units_sold(sales: QuarterSales, product_count: int, first_day: int, days: int) -> np.ndarray:
    """[product, day] units shipped: every line except those of cancelled orders."""
    shipped = sales.status[sales.line_order] != CANCELLED
    day = sales.day[sales.line_order][shipped] - first_day
    flat = sales.product[shipped] * days + day
    counts = np.bincount(flat, weights=sales.quantity[shipped], minlength=product_count * days)
    return counts.reshape(product_count, days).astype(np.int64)
