"""Customers and their lifecycle: who places each order of a quarter.

Every customer is owned by the rep who won them. At the start of a quarter a rep's
customers are *existing* (ordered within the churn window) or *churned* (ordered
before, not since). A rep's orders go, in a random order, to: first orders of newly
won customers (a share set by the rep's role), recalled churned customers (about
RECALL_RATE of the rep's churned ones), and repeat orders of existing customers, the
loyal ones far more often. A rep with no existing customers yet (the history quarter)
wins a new customer with every order.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from orchestration.demo_sources import org, rates
from orchestration.demo_sources.people import fake_people
from orchestration.demo_sources.timeline import Quarter, Timeline

# Why an order was placed; decides its basket and who the customer is.
FIRST_ORDER = 0  # a new customer the rep set out to win (bigger first basket)
FIRST_ORDER_NO_BASE = 1  # a new customer because the rep has no existing ones yet
REPEAT_ORDER = 2
RECALL_ORDER = 3
NO_ORDER_YET = -1


def ranks_within(groups: np.ndarray, keys: np.ndarray) -> np.ndarray:
    """0, 1, 2, ... for the elements of each (integer) group, in the order of `keys` in [0, 1)."""
    order = np.argsort(groups + keys, kind="stable")
    sorted_groups = groups[order]
    starts = np.flatnonzero(np.r_[True, sorted_groups[1:] != sorted_groups[:-1]])
    lengths = np.diff(np.r_[starts, len(order)])
    ranks = np.empty(len(order), dtype=np.int64)
    ranks[order] = np.arange(len(order)) - np.repeat(starts, lengths)
    return ranks


def stochastic_round(values: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Round up with probability equal to the fraction, so small rates still happen."""
    return np.floor(values + rng.random(len(values))).astype(np.int64)


@dataclass(frozen=True)
class Lifecycle:
    """Counts for one quarter, classified at the quarter start (as the pipeline does)."""

    new_customers: int
    existing_at_start: int
    repurchasing: int  # existing customers who ordered in the quarter
    churned_at_start: int
    recalled: int


@dataclass(frozen=True)
class Assignment:
    slot: np.ndarray  # FIRST_ORDER | FIRST_ORDER_NO_BASE | REPEAT_ORDER | RECALL_ORDER
    customer: np.ndarray  # index into the customer book
    first_orders: np.ndarray  # positions of the orders that won a customer, in book order
    first_new_customer: int  # book index of the first customer won this quarter
    lifecycle: Lifecycle


class CustomerBook:
    """Every customer won so far: owner, loyalty and last order day, by book index."""

    def __init__(self) -> None:
        self.owner = np.zeros(0, dtype=np.int16)  # index into org.REPS
        self.loyalty = np.zeros(0)  # higher orders more often
        self.last_order_day = np.zeros(0, dtype=np.int64)
        self.ids = np.zeros(0, dtype=object)  # 'c-000123'

    def __len__(self) -> int:
        return len(self.owner)

    def assign(
        self,
        quarter: Quarter,
        order_rep: np.ndarray,
        order_day: np.ndarray,
        rng: np.random.Generator,
    ) -> Assignment:
        """The customer of every order (orders sorted by time); wins new customers."""
        reps = len(org.REPS)
        churn_line = quarter.start_day - rates.CHURN_WINDOW_DAYS
        existing = np.flatnonzero(self.last_order_day >= churn_line)
        churned = np.flatnonzero((self.last_order_day < churn_line) & (self.last_order_day >= 0))
        base_size = np.bincount(self.owner[existing], minlength=reps)
        churned_size = np.bincount(self.owner[churned], minlength=reps)

        orders_by_rep = np.bincount(order_rep, minlength=reps)
        new_share = np.array([rates.NEW_CUSTOMER_ORDER_SHARE[r.role] for r in org.REPS])
        wins = np.minimum(stochastic_round(orders_by_rep * new_share, rng), orders_by_rep)
        recalls = np.minimum(
            stochastic_round(churned_size * rates.RECALL_RATE, rng), orders_by_rep - wins
        )
        rank = ranks_within(order_rep, rng.random(len(order_rep)))
        slot = np.where(
            rank < wins[order_rep],
            FIRST_ORDER,
            np.where(rank < (wins + recalls)[order_rep], RECALL_ORDER, REPEAT_ORDER),
        )
        slot[(slot == REPEAT_ORDER) & (base_size[order_rep] == 0)] = FIRST_ORDER_NO_BASE
        customer = np.full(len(order_rep), -1, dtype=np.int64)

        # Recalls: the rep's j-th recall order goes to the rep's j-th drawn churned customer.
        drawn = churned[
            ranks_within(self.owner[churned], rng.random(len(churned)))
            < recalls[self.owner[churned]]
        ]
        drawn = drawn[np.argsort(self.owner[drawn], kind="stable")]
        recall_orders = np.flatnonzero(slot == RECALL_ORDER)
        recall_orders = recall_orders[np.argsort(order_rep[recall_orders], kind="stable")]
        customer[recall_orders] = drawn

        # Repeats: draw from the rep's existing customers, most loyal first (skewed draw).
        pool = existing[np.lexsort((-self.loyalty[existing], self.owner[existing]))]
        pool_start = np.r_[0, np.cumsum(base_size)[:-1]]
        repeat_orders = np.flatnonzero(slot == REPEAT_ORDER)
        rep_of = order_rep[repeat_orders]
        offset = np.floor(
            base_size[rep_of] * rng.random(len(repeat_orders)) ** rates.LOYALTY_SKEW
        ).astype(np.int64)
        customer[repeat_orders] = pool[pool_start[rep_of] + offset]

        first_new = len(self)
        first_orders = np.flatnonzero((slot == FIRST_ORDER) | (slot == FIRST_ORDER_NO_BASE))
        customer[first_orders] = first_new + np.arange(len(first_orders))
        self._win(order_rep[first_orders], rng)

        repurchasing = np.unique(customer[repeat_orders]).size
        np.maximum.at(self.last_order_day, customer, order_day)
        lifecycle = Lifecycle(
            new_customers=len(first_orders),
            existing_at_start=len(existing),
            repurchasing=repurchasing,
            churned_at_start=len(churned),
            recalled=len(drawn),
        )
        return Assignment(slot, customer, first_orders, first_new, lifecycle)

    def _win(self, owners: np.ndarray, rng: np.random.Generator) -> None:
        count = len(owners)
        numbers = np.arange(len(self) + 1, len(self) + count + 1)
        self.owner = np.concatenate([self.owner, owners.astype(np.int16)])
        self.loyalty = np.concatenate([self.loyalty, rng.random(count)])
        self.last_order_day = np.concatenate(
            [self.last_order_day, np.full(count, NO_ORDER_YET, dtype=np.int64)]
        )
        self.ids = np.concatenate(
            [self.ids, np.array([f"c-{n:06d}" for n in numbers.tolist()], dtype=object)]
        )


def customer_rows(
    timeline: Timeline,
    book: CustomerBook,
    first_customer: int,
    first_order_day: np.ndarray,
    first_order_seconds: np.ndarray,
    rng: np.random.Generator,
) -> tuple[dict[str, object], np.ndarray]:
    """Rows of the customers won this quarter, and their created_at seconds of the day.

    A customer is created shortly before the first order; a few edit their profile later.
    """
    won = np.arange(first_customer, len(book))
    count = len(won)
    owners = book.owner[won]
    region_of_rep = [org.GROUPS_BY_ID[r.home_group_id].region_id for r in org.REPS]
    region = np.array(region_of_rep, dtype=object)[owners]
    city_tier = region.copy()
    channel = region == "channel"
    city_tier[channel] = np.array(["tier1", "tier2", "tier3_4"], dtype=object)[
        rng.integers(0, 3, int(channel.sum()))
    ]
    created_seconds = first_order_seconds - rng.integers(600, 7_200, count)
    created = timeline.timestamps(first_order_day, created_seconds)
    edit_day = first_order_day + rng.integers(10, 300, count)
    edited = (rng.random(count) < rates.PROFILE_EDIT_SHARE) & (edit_day < timeline.reference_day)
    updated = created.copy()
    updated[edited] = timeline.timestamps(
        edit_day[edited], rng.integers(9 * 3600, 18 * 3600, int(edited.sum()))
    )
    names, emails, phones = fake_people(won + 1, rng)
    rows = {
        "customer_id": book.ids[won],
        "customer_name": names,
        "email": emails,
        "phone": phones,
        "city_tier": city_tier,
        "region_id": region,
        "owner_rep_id": np.array(org.REP_IDS, dtype=object)[owners],
        "created_at": created,
        "updated_at": updated,
    }
    return rows, created_seconds
