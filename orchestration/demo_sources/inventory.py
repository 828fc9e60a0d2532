"""Daily stock per product: units on hand at the end of the day and units received.

Core products are reordered on Mondays to three weeks of demand. Long-tail stock is
topped up once, on the quarter's first day, and then sold down (about
LONG_TAIL_QUARTER_SELL_SHARE over the quarter). A new product receives its launch stock
on launch day, sized so that its first 30 days sell a planned share of it. A stock-out
is never shown: an emergency delivery arrives the same day.
"""

from __future__ import annotations

import numpy as np

from orchestration.demo_sources import rates
from orchestration.demo_sources.catalog import CORE, LONG_TAIL, NEW, Catalog
from orchestration.demo_sources.timeline import Quarter, Timeline

MONDAY = 0
SNAPSHOT_SECONDS = 23 * 3600 + 55 * 60  # the snapshot is taken at 23:55


class Warehouse:
    """Units on hand per product, carried from quarter to quarter."""

    def __init__(self, catalog: Catalog, rng: np.random.Generator) -> None:
        self.catalog = catalog
        self.on_hand = np.zeros(len(catalog.product_ids), dtype=np.int64)
        self.sell_through = rng.uniform(*rates.NEW_LAUNCH_SELL_THROUGH, len(catalog.product_ids))

    def quarter_rows(
        self, timeline: Timeline, quarter: Quarter, sold: np.ndarray
    ) -> dict[str, object]:
        """Snapshots of every day with data; `sold` is [product, day] units shipped."""
        catalog = self.catalog
        days = quarter.days_with_data
        day_numbers = np.arange(quarter.start_day, quarter.last_day_number + 1)
        daily_demand = sold.sum(axis=1) / days
        launch = catalog.launch_day
        since_launch = np.clip(quarter.last_day_number - launch + 1, 1, days)
        sold_since_launch = sold.sum(axis=1)  # only days after launch can have sales
        launch_demand = sold_since_launch / since_launch * rates.NEW_LAUNCH_WINDOW_DAYS
        launch_stock = np.ceil(np.maximum(launch_demand, 10) / self.sell_through).astype(np.int64)

        received = np.zeros_like(sold)
        on_hand = np.zeros_like(sold)
        long_tail = catalog.tier == LONG_TAIL
        for j, day in enumerate(day_numbers.tolist()):
            receive = np.zeros(len(launch), dtype=np.int64)
            if j == 0:
                level = np.ceil(
                    daily_demand * quarter.full_days / rates.LONG_TAIL_QUARTER_SELL_SHARE
                ).astype(np.int64)
                receive[long_tail] = np.maximum(level - self.on_hand, 0)[long_tail]
            if j == 0 or timeline.weekday[day] == MONDAY:
                steady = (catalog.tier == CORE) | (
                    (catalog.tier == NEW) & (day >= launch + rates.NEW_LAUNCH_WINDOW_DAYS)
                )
                short = steady & (self.on_hand < daily_demand * rates.CORE_REORDER_DAYS)
                target = np.ceil(daily_demand * rates.CORE_TARGET_DAYS).astype(np.int64)
                receive[short] = np.maximum(target - self.on_hand, 0)[short]
            launching = launch == day
            receive[launching] += launch_stock[launching]
            receive += np.maximum(sold[:, j] - (self.on_hand + receive), 0)  # emergency
            self.on_hand = self.on_hand + receive - sold[:, j]
            received[:, j] = receive
            on_hand[:, j] = self.on_hand

        # One row per (day, product) once the product has launched, day by day.
        day_index, product = np.nonzero(launch[None, :] <= day_numbers[:, None])
        day = day_numbers[day_index]
        snapshot_times = timeline.timestamps(
            day_numbers, np.full(len(day_numbers), SNAPSHOT_SECONDS)
        )
        return {
            "product_id": catalog.product_ids[product],
            "snapshot_date": timeline.dates(day),
            "units_on_hand": on_hand[product, day_index],
            "units_received": received[product, day_index],
            "updated_at": snapshot_times[day_index],
        }
