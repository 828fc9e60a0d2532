"""The product master: core products, cheap long-tail accessories, and new launches.

Core and long-tail products were launched years before the data starts. A few new
products launch inside every quarter; the order system knows a product a week before
its launch, and it sells from its launch date on, the latest launches selling most.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import numpy as np

from orchestration.demo_sources import rates
from orchestration.demo_sources.timeline import Timeline, timestamp_text

TIERS = ("core", "new", "long_tail")
CORE, NEW, LONG_TAIL = 0, 1, 2
ANNOUNCED_DAYS_BEFORE_LAUNCH = 7

SERIES = ("Aurora", "Nimbus", "Vega", "Orion", "Lumen", "Terra")
FAMILIES = ("Air Purifier", "Water Purifier", "Robot Vacuum", "Smart Lock", "Coffee Machine")
ACCESSORIES = (
    "Filter Cartridge", "HEPA Filter", "Brush Roll", "Descaler Pack", "Battery Pack",
    "Side Brush Set", "Mounting Kit", "Power Adapter", "Cleaning Tablets", "Replacement Seal",
)  # fmt: skip
ACCESSORY_SIZES = ("S", "M", "L", "XL", "Pro")


@dataclass(frozen=True)
class Catalog:
    """Every product, indexable by position; `rows` holds the ones the source already knows."""

    product_ids: np.ndarray  # object: 'p-0001'
    tier: np.ndarray  # int8: CORE | NEW | LONG_TAIL
    price_cents: np.ndarray  # int64 list price
    launch_day: np.ndarray  # int64 day number
    popularity: np.ndarray  # float64, relative weight inside the tier
    rows: dict[str, list]  # products table columns

    def tier_members(self, tier: int) -> np.ndarray:
        return np.flatnonzero(self.tier == tier)

    def new_products_by_launch(self) -> tuple[np.ndarray, np.ndarray]:
        members = self.tier_members(NEW)
        members = members[np.argsort(self.launch_day[members], kind="stable")]
        return members, self.launch_day[members]

    def expected_unit_price(self, tier: int) -> float:
        """Average list price (cents) of a unit sold in a tier, weighting by popularity."""
        members = self.tier_members(tier)
        weights = self.popularity[members]
        return float((self.price_cents[members] * weights).sum() / weights.sum())

    def expected_line_value(self, tier_mix: tuple[float, float, float]) -> float:
        """Average net value (cents) of an order line for a group with this tier mix."""
        discount = rates.DISCOUNTED_LINE_SHARE * float(np.mean(rates.DISCOUNT_RATES))
        value = sum(
            share * self.expected_unit_price(tier) * (1 + rates.EXTRA_UNITS_MEAN[tier])
            for tier, share in enumerate(tier_mix)
        )
        return value * (1 - discount)

    def pick_products(
        self, tier: np.ndarray, day: np.ndarray, rng: np.random.Generator
    ) -> tuple[np.ndarray, np.ndarray]:
        """A product for every line given its tier and day; returns (product, actual tier).

        A new-product line before any launch sells a core product instead.
        """
        product = np.zeros(len(tier), dtype=np.int64)
        tier = tier.copy()
        new_members, new_launch = self.new_products_by_launch()
        is_new = np.flatnonzero(tier == NEW)
        available = np.searchsorted(new_launch, day[is_new], side="right")
        back = np.minimum(rng.geometric(rates.NEW_PRODUCT_RECENCY, len(is_new)) - 1, available - 1)
        sold = available > 0
        product[is_new[sold]] = new_members[(available - 1 - back)[sold]]
        tier[is_new[~sold]] = CORE
        for one_tier in (CORE, LONG_TAIL):
            lines = np.flatnonzero(tier == one_tier)
            members = self.tier_members(one_tier)
            cumulative = np.cumsum(self.popularity[members])
            draw = rng.random(len(lines)) * cumulative[-1]
            product[lines] = members[np.searchsorted(cumulative, draw, side="right")]
        return product, tier


def build_catalog(timeline: Timeline, rng: np.random.Generator) -> Catalog:
    """Core and long-tail products plus the launches of every quarter of the timeline."""
    ids: list[str] = []
    names: list[str] = []
    tiers: list[int] = []
    prices: list[int] = []
    launches: list[int] = []
    history_start = timeline.day_number(timeline.history_start)

    def add(name: str, tier: int, price_yuan: int, launch_day: int) -> None:
        ids.append(f"p-{len(ids) + 1:04d}")
        names.append(name)
        tiers.append(tier)
        prices.append(price_yuan * 100)
        launches.append(launch_day)

    for i in range(rates.CORE_PRODUCTS):
        price = int(rng.integers(*rates.CORE_PRICE_RANGE)) // 100 * 100 + 99
        name = f"{SERIES[i % len(SERIES)]} {FAMILIES[i // len(SERIES) % len(FAMILIES)]}"
        add(name, CORE, price, history_start - int(rng.integers(200, 2_500)))
    for i in range(rates.LONG_TAIL_PRODUCTS):
        price = int(rng.integers(*rates.LONG_TAIL_PRICE_RANGE)) // 10 * 10 + 9
        accessory = ACCESSORIES[i % len(ACCESSORIES)]
        name = f"{accessory} {ACCESSORY_SIZES[i // len(ACCESSORIES) % len(ACCESSORY_SIZES)]}"
        add(name, LONG_TAIL, price, history_start - int(rng.integers(200, 2_500)))
    for quarter in timeline.quarters:
        for number, offset in enumerate(rates.NEW_PRODUCT_LAUNCH_DAYS):
            launch = quarter.start_day + offset + int(rng.integers(0, 7))
            if launch > quarter.end_day:
                continue
            price = int(rng.integers(*rates.NEW_PRICE_RANGE)) // 100 * 100 + 99
            family = FAMILIES[(quarter.index + number) % len(FAMILIES)]
            add(f"Nova {family} {quarter.label}-{number + 1}", NEW, price, launch)

    tier = np.array(tiers, dtype=np.int8)
    popularity = np.ones(len(ids))
    core = np.flatnonzero(tier == CORE)
    popularity[core] = 1.0 / (rng.permutation(len(core)) + 3.0)  # a few best sellers
    long_tail = np.flatnonzero(tier == LONG_TAIL)
    popularity[long_tail] = rng.lognormal(0.0, 0.6, len(long_tail))
    launch_day = np.array(launches, dtype=np.int64)
    return Catalog(
        product_ids=np.array(ids, dtype=object),
        tier=tier,
        price_cents=np.array(prices, dtype=np.int64),
        launch_day=launch_day,
        popularity=popularity,
        rows=_product_rows(timeline, ids, names, tier, prices, launch_day),
    )


def _product_rows(
    timeline: Timeline,
    ids: list[str],
    names: list[str],
    tier: np.ndarray,
    prices: list[int],
    launch_day: np.ndarray,
) -> dict[str, list]:
    """Products the order system knows before the reference date (announced a week early)."""
    rows: dict[str, list] = {
        c: [] for c in ("product_id", "product_name", "tier", "launch_date", "list_price")
    }
    rows["updated_at"] = []
    for i, product_id in enumerate(ids):
        launch = timeline.date_of(launch_day[i])
        announced = launch - timedelta(days=ANNOUNCED_DAYS_BEFORE_LAUNCH)
        if announced >= timeline.reference_date:
            continue
        rows["product_id"].append(product_id)
        rows["product_name"].append(names[i])
        rows["tier"].append(TIERS[tier[i]])
        rows["launch_date"].append(launch.isoformat())
        rows["list_price"].append(prices[i] / 100)
        rows["updated_at"].append(timestamp_text(announced, 10 * 3600))
    return rows
