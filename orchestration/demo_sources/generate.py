# Longer than 300 lines: the demo's story and the one function that tells it.
"""Generate the demo CRM and order-system databases: a sales department's last two years.

The story a sales manager would tell about the demo world:

- Forty reps in eight groups sell home appliances across four regions: tier-1, tier-2
  and tier-3/4 cities, and a channel of partners. At full pace the regions bring
  35/25/20/20% of revenue; in tier-1 the star group brings 40%, in tier-3/4 the
  newcomer group 30%. Two reps change group in the middle of a quarter (2025Q2, 2026Q3).
- Business grows about 3% a quarter. Weekends are quiet and the last ten days of every
  quarter are a push. Two groups fall behind from the third week of every quarter:
  Tier-2 Group 2 sells at 60% of its planned pace and the Tier-3/4 Newcomer Group at
  70%, so their weekly warnings fire; the other groups sell steadily.
- About a third of a sales rep's orders win a new customer (a first basket of about
  4,800); the rest are repeat orders of existing customers, loyal ones most often.
  Customers that go quiet for 180 days have churned; about 10% of churned customers
  come back each quarter. Every new customer comes from a lead; most leads never convert.
- Each quarter runs the handbook's campaigns (online ads, a trade show, a channel
  partner programme) plus a referral reward; one of them spends its budget and misses.
- Core products bring ~60% of revenue, new products ~30% (three launch inside every
  quarter; the new-product squad sells them most), cheap long-tail accessories ~10%,
  and long-tail stock is sold down over each quarter.
- About 3% of orders are cancelled or refunded days to weeks later, sometimes in the
  next quarter. About `dirty_share` of rows are dirty copies (see dirty.py).

The world starts with a history quarter before `first_quarter_start`, so the first
partition has existing customers and a last quarter; data stops the day before
`reference_date` and no `updated_at` is on or after it. The same seed and reference
date give identical data. Memory stays bounded: the world is generated and written
one quarter at a time; only per-customer state carries over.
"""

from __future__ import annotations

import zlib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from time import perf_counter

import numpy as np

from orchestration.demo_sources import org, rates
from orchestration.demo_sources.catalog import Catalog, build_catalog
from orchestration.demo_sources.customers import (
    Assignment,
    CustomerBook,
    Lifecycle,
    customer_rows,
)
from orchestration.demo_sources.dirty import TYPED_DATABASE_SKIPS, DirtyRow, DirtyRowMaker
from orchestration.demo_sources.inventory import Warehouse
from orchestration.demo_sources.leads import (
    NewCustomerLeads,
    campaign_rows,
    lead_rows,
    quarter_campaigns,
    spend_rows,
)
from orchestration.demo_sources.pace import SellingPower, plan_quarter, selling_power
from orchestration.demo_sources.sales import (
    CANCELLED,
    REFUNDED,
    BookedOrders,
    book_orders,
    make_sales,
    order_and_line_rows,
    units_sold,
)
from orchestration.demo_sources.timeline import Quarter, Timeline, timestamp_text
from orchestration.demo_sources.writer import SourceWriter
from orchestration.ingest import source_tables as st

ORG_LOADED_SECONDS = 9 * 3600  # org and catalog records change at 09:00


@dataclass(frozen=True)
class QuarterFigures:
    """What one quarter of the demo world holds (clean rows only)."""

    label: str
    first_day: date
    last_day: date  # the quarter end, or the day before the reference date
    orders: int
    order_lines: int
    completed_revenue: float  # net amount of orders still completed at the reference date
    full_pace_revenue: float  # expected net revenue of the whole quarter had nobody lagged
    late_status_updates: int
    leads: int
    lifecycle: Lifecycle


@dataclass(frozen=True)
class GenerationSummary:
    rows_per_table: dict[str, int]  # every row written, dirty ones included
    order_lines: int  # rows written to order_lines
    dirty_rows_by_kind: dict[str, int]
    dirty_rows: tuple[DirtyRow, ...]  # which table and key got which kind
    skipped_dirty_kinds: tuple[str, ...]  # kinds a typed target database cannot hold
    quarters: tuple[QuarterFigures, ...]
    seconds: float
    order_lines_per_second: float
    reference_date: date
    seed: int


class RandomStreams:
    """An independent generator per (purpose, quarter): results never depend on call order."""

    def __init__(self, seed: int) -> None:
        self.seed = seed

    def __call__(self, purpose: str, quarter: int = 0) -> np.random.Generator:
        return np.random.default_rng([self.seed, zlib.crc32(purpose.encode()), quarter])


@dataclass
class _Run:
    """Everything one generation carries from quarter to quarter."""

    timeline: Timeline
    streams: RandomStreams
    orders_per_quarter: int
    crm: SourceWriter
    shop: SourceWriter
    dirty_share: float
    catalog: Catalog
    power: SellingPower
    warehouse: Warehouse
    book: CustomerBook = field(default_factory=CustomerBook)
    next_ids: Counter = field(default_factory=lambda: Counter(order=1, line=1, lead=1))
    dirty: list[DirtyRow] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.crm_dirt = DirtyRowMaker(self.dirty_share, typed_database=not self.crm.sqlite)
        self.shop_dirt = DirtyRowMaker(self.dirty_share, typed_database=not self.shop.sqlite)

    def write(self, table_name: str, columns: dict, quarter: int) -> None:
        """Write a batch plus its dirty copies (at least one of each kind in quarter 1)."""
        source = st.SOURCE_TABLES_BY_NAME[table_name]
        writer, dirt = (
            (self.crm, self.crm_dirt) if source.system == "crm" else (self.shop, self.shop_dirt)
        )
        extra, records = dirt.spoil(
            table_name,
            columns,
            self.streams(f"dirty-{table_name}", quarter),
            at_least_one_each=quarter == 1,
        )
        writer.write(source.table, columns, extra)
        self.dirty.extend(records)


def generate_sources(
    crm_url: str,
    orders_url: str,
    *,
    reference_date: date,
    seed: int = 7,
    orders_per_quarter: int = 12_000,
    first_quarter_start: date = date(2024, 10, 1),
    dirty_share: float = 0.001,
    progress: Callable[[str], None] | None = None,
) -> GenerationSummary:
    """(Re)create both source databases and fill them with the demo world.

    `crm_url` and `orders_url` are SQLAlchemy URLs: SQLite files by default (their folder
    is created), any other database works too. Our tables are dropped and recreated
    first, so regenerating is clean. `orders_per_quarter` is the first partition's order
    count at full pace (the two lagging groups cost ~6%; later quarters grow ~3% each).
    `dirty_share` is the share of rows added as dirty copies. A database other than
    SQLite cannot hold text in its numeric or invalid dates in its date columns: it gets
    no `text_in_numeric` rows and only year-2099 `impossible_date` rows (see dirty.py).
    `progress` receives one line per quarter.
    """
    if orders_per_quarter < 1:
        raise ValueError(f"orders_per_quarter must be at least 1, got {orders_per_quarter}")
    if not 0 <= dirty_share < 0.5:
        raise ValueError(f"dirty_share must be in [0, 0.5), got {dirty_share}")
    org.validate_org()
    report = progress or (lambda _message: None)
    started = perf_counter()
    timeline = Timeline(first_quarter_start, reference_date)
    streams = RandomStreams(seed)
    catalog = build_catalog(timeline, streams("catalog"))
    figures: list[QuarterFigures] = []

    with (
        SourceWriter(crm_url, st.crm_metadata) as crm,
        SourceWriter(orders_url, st.orders_metadata) as shop,
    ):
        run = _Run(
            timeline=timeline,
            streams=streams,
            orders_per_quarter=orders_per_quarter,
            crm=crm,
            shop=shop,
            dirty_share=dirty_share,
            catalog=catalog,
            power=selling_power(catalog),
            warehouse=Warehouse(catalog, streams("warehouse")),
        )
        _write_org(crm, timeline)
        run.write("products", catalog.rows, quarter=1)
        for quarter in timeline.quarters:
            figures.append(_generate_quarter(run, quarter))
            crm.commit()
            shop.commit()
            done = figures[-1]
            report(
                f"{quarter.label}: {done.orders:,} orders, {done.order_lines:,} order lines, "
                f"{done.lifecycle.new_customers:,} new customers"
            )
        rows = {**crm.rows_written, **shop.rows_written}

    seconds = perf_counter() - started
    kinds = Counter(record.kind for record in run.dirty)
    skipped = TYPED_DATABASE_SKIPS if not (crm.sqlite and shop.sqlite) else ()
    return GenerationSummary(
        rows_per_table=rows,
        order_lines=rows["order_lines"],
        dirty_rows_by_kind=dict(sorted(kinds.items())),
        dirty_rows=tuple(run.dirty),
        skipped_dirty_kinds=tuple(skipped),
        quarters=tuple(figures),
        seconds=seconds,
        order_lines_per_second=rows["order_lines"] / seconds if seconds > 0 else 0.0,
        reference_date=reference_date,
        seed=seed,
    )


def _generate_quarter(run: _Run, quarter: Quarter) -> QuarterFigures:
    """Orders, customers, leads, campaigns and stock of one quarter, written."""
    timeline, catalog, streams = run.timeline, run.catalog, run.streams
    pace = plan_quarter(
        timeline, quarter, run.orders_per_quarter, run.power, streams("pace", quarter.index)
    )
    sales_rng = streams("sales", quarter.index)
    booked = book_orders(pace, sales_rng)
    assignment = run.book.assign(
        quarter, booked.rep, booked.day, streams("customers", quarter.index)
    )
    sales = make_sales(
        timeline,
        pace,
        catalog,
        booked,
        assignment.customer,
        assignment.slot,
        run.next_ids["order"],
        run.next_ids["line"],
        sales_rng,
    )
    run.next_ids.update(order=len(sales.order_id), line=len(sales.line_id))
    leads = _write_crm_quarter(run, quarter, booked, assignment)
    orders, lines = order_and_line_rows(timeline, sales, run.book.ids, catalog)
    run.write("orders", orders, quarter.index)
    run.write("order_lines", lines, quarter.index)
    sold = units_sold(sales, len(catalog.product_ids), quarter.start_day, quarter.days_with_data)
    run.shop.write(st.inventory_snapshots, run.warehouse.quarter_rows(timeline, quarter, sold))
    return QuarterFigures(
        label=quarter.label,
        first_day=quarter.start,
        last_day=quarter.last_day,
        orders=len(sales.order_id),
        order_lines=len(sales.line_id),
        completed_revenue=sales.completed_revenue_cents / 100,
        full_pace_revenue=round(pace.full_pace_revenue, 2),
        late_status_updates=int(np.isin(sales.status, (CANCELLED, REFUNDED)).sum()),
        leads=leads,
        lifecycle=assignment.lifecycle,
    )


def _campaign_scale(run: _Run, quarter: Quarter) -> float:
    """Campaign KPIs are sized for DEFAULT_SCALE_ORDERS; they follow volume and growth."""
    growth = (1 + rates.GROWTH_PER_QUARTER) ** (quarter.index - 1)
    return run.orders_per_quarter / rates.DEFAULT_SCALE_ORDERS * growth


def _write_crm_quarter(
    run: _Run, quarter: Quarter, booked: BookedOrders, assignment: Assignment
) -> int:
    """Customers won, leads, campaigns and spend of one quarter; returns the clean leads."""
    timeline, book = run.timeline, run.book
    first = assignment.first_orders
    customers, created_seconds = customer_rows(
        timeline,
        book,
        assignment.first_new_customer,
        booked.day[first],
        booked.seconds[first],
        run.streams("new-customers", quarter.index),
    )
    run.write("customers", customers, quarter.index)
    won = NewCustomerLeads(
        customer_ids=book.ids[assignment.first_new_customer :],
        owner=book.owner[assignment.first_new_customer :].astype(np.int64),
        created_day=booked.day[first],
        created_seconds=created_seconds,
        created_at=customers["created_at"],
    )
    campaigns = quarter_campaigns(quarter, run.streams("campaigns", quarter.index))
    leads = lead_rows(
        timeline,
        quarter,
        campaigns,
        won,
        _campaign_scale(run, quarter),
        run.next_ids["lead"],
        run.streams("leads", quarter.index),
    )
    run.next_ids.update(lead=len(leads["lead_id"]))
    run.write("leads", leads, quarter.index)
    run.crm.write(st.campaigns, campaign_rows(timeline, campaigns))
    run.crm.write(
        st.campaign_spend, spend_rows(timeline, campaigns, run.streams("spend", quarter.index))
    )
    return len(leads["lead_id"])


def _write_org(crm: SourceWriter, timeline: Timeline) -> None:
    """Regions, groups, reps and assignments as the CRM knows them before the reference date."""
    loaded = timeline.history_start - timedelta(days=1)
    loaded_at = timestamp_text(loaded, ORG_LOADED_SECONDS)
    crm.write(
        st.regions,
        {
            "region_id": [r.region_id for r in org.REGIONS],
            "region_name": [r.region_name for r in org.REGIONS],
            "tier": [r.tier for r in org.REGIONS],
            "updated_at": [loaded_at] * len(org.REGIONS),
        },
    )
    crm.write(
        st.sales_groups,
        {
            "group_id": [g.group_id for g in org.GROUPS],
            "group_name": [g.group_name for g in org.GROUPS],
            "region_id": [g.region_id for g in org.GROUPS],
            "group_kind": [g.group_kind for g in org.GROUPS],
            "lead_rep_id": [g.lead_rep_id for g in org.GROUPS],
            "updated_at": [loaded_at] * len(org.GROUPS),
        },
    )
    hired = [r for r in org.REPS if r.hire_date < timeline.reference_date]
    crm.write(
        st.reps,
        {
            "rep_id": [r.rep_id for r in hired],
            "rep_name": [r.rep_name for r in hired],
            "email": [r.email for r in hired],
            "role": [r.role for r in hired],
            "hire_date": [r.hire_date.isoformat() for r in hired],
            "monthly_salary": [float(r.monthly_salary) for r in hired],
            "updated_at": [timestamp_text(max(loaded, r.hire_date), ORG_LOADED_SECONDS)
                           for r in hired],
        },
    )  # fmt: skip
    history = [
        a
        for a in org.assignment_history(known_before=timeline.reference_date)
        if a.valid_from < timeline.reference_date
    ]
    changed = [max(loaded, a.valid_from, a.valid_to or a.valid_from) for a in history]
    crm.write(
        st.rep_assignments,
        {
            "assignment_id": [a.assignment_id for a in history],
            "rep_id": [a.rep_id for a in history],
            "group_id": [a.group_id for a in history],
            "valid_from": [a.valid_from.isoformat() for a in history],
            "valid_to": [a.valid_to.isoformat() if a.valid_to else None for a in history],
            "updated_at": [timestamp_text(day, ORG_LOADED_SECONDS) for day in changed],
        },
    )
