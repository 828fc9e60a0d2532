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
from orchestration.demo_sources.catalog import build_catalog
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
from orchestration.demo_sources.pace import plan_quarter, rep_order_shares
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
    crm_dirt: DirtyRowMaker
    shop_dirt: DirtyRowMaker
    book: CustomerBook = field(default_factory=CustomerBook)
    next_ids: Counter = field(default_factory=lambda: Counter(order=1, line=1, lead=1))
    dirty: list[DirtyRow] = field(default_factory=list)

    def write(
        self,
        writer: SourceWriter,
        dirt: DirtyRowMaker,
        table_name: str,
        columns: dict,
        quarter: int,
        id_sequence: str | None = None,
    ) -> None:
        """Write a batch with its dirty copies (at least one of each kind in quarter 1)."""
        table = st.SOURCE_TABLES_BY_NAME[table_name].table
        start = self.next_ids[id_sequence] if id_sequence else 0
        size = len(next(iter(columns.values())))
        extra, records = dirt.spoil(
            table_name,
            columns,
            self.streams(f"dirty-{table_name}", quarter),
            next_int_key=start + size,
            at_least_one_each=quarter == 1,
        )
        writer.write(table, columns, extra)
        self.dirty.extend(records)
        if id_sequence:
            self.next_ids[id_sequence] += size + len(extra)


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

    `crm_url` and `orders_url` are SQLAlchemy URLs (SQLite files by default; their folder
    is created). Existing source tables are dropped first, so regenerating is clean.
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
    order_shares = rep_order_shares(catalog)
    warehouse = Warehouse(catalog, streams("warehouse"))
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
            crm_dirt=DirtyRowMaker(dirty_share, typed_database=not crm.sqlite),
            shop_dirt=DirtyRowMaker(dirty_share, typed_database=not shop.sqlite),
        )
        _write_org(crm, timeline)
        run.write(shop, run.shop_dirt, "products", catalog.rows, quarter=1)
        for quarter in timeline.quarters:
            pace = plan_quarter(
                timeline, quarter, orders_per_quarter, order_shares, streams("pace", quarter.index)
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
            leads = _write_crm_quarter(run, quarter, booked, assignment)
            orders, lines = order_and_line_rows(timeline, sales, run.book.ids, catalog)
            run.write(shop, run.shop_dirt, "orders", orders, quarter.index, "order")
            run.write(shop, run.shop_dirt, "order_lines", lines, quarter.index, "line")
            sold = units_sold(
                sales, len(catalog.product_ids), quarter.start_day, quarter.days_with_data
            )
            shop.write(st.inventory_snapshots, warehouse.quarter_rows(timeline, quarter, sold))
            crm.commit()
            shop.commit()
            late = int(np.isin(sales.status, (CANCELLED, REFUNDED)).sum())
            figures.append(
                QuarterFigures(
                    label=quarter.label,
                    first_day=quarter.start,
                    last_day=quarter.last_day,
                    orders=len(sales.order_id),
                    order_lines=len(sales.line_id),
                    completed_revenue=sales.completed_revenue_cents / 100,
                    late_status_updates=late,
                    leads=leads,
                    lifecycle=assignment.lifecycle,
                )
            )
            report(
                f"{quarter.label}: {len(sales.order_id):,} orders, {len(sales.line_id):,} "
                f"order lines, {assignment.lifecycle.new_customers:,} new customers"
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


def _write_crm_quarter(
    run: _Run, quarter: Quarter, booked: BookedOrders, assignment: Assignment
) -> int:
    """Customers won, leads, campaigns and spend of one quarter; returns the clean leads."""
    timeline, book = run.timeline, run.book
    customers_rng = run.streams("new-customers", quarter.index)
    first = assignment.first_orders
    customers, created_seconds = customer_rows(
        timeline,
        book,
        assignment.first_new_customer,
        booked.day[first],
        booked.seconds[first],
        customers_rng,
    )
    run.write(run.crm, run.crm_dirt, "customers", customers, quarter.index)
    won = NewCustomerLeads(
        customer_ids=book.ids[assignment.first_new_customer :],
        owner=book.owner[assignment.first_new_customer :].astype(np.int64),
        created_day=booked.day[first],
        created_seconds=created_seconds,
        created_at=customers["created_at"],
    )
    campaigns = quarter_campaigns(quarter, run.streams("campaigns", quarter.index))
    scale = (
        run.orders_per_quarter
        / rates.DEFAULT_SCALE_ORDERS
        * (1 + rates.GROWTH_PER_QUARTER) ** (quarter.index - 1)
    )
    leads = lead_rows(
        timeline,
        quarter,
        campaigns,
        won,
        scale,
        run.next_ids["lead"],
        run.streams("leads", quarter.index),
    )
    run.write(run.crm, run.crm_dirt, "leads", leads, quarter.index, "lead")
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
