"""An independent recomputation of the published actuals, from the source files alone.

Written from the documented meaning (docs/plan.md, docs/as-of.md) with
pandas over the demo's SQLite sources and the plan CSVs; it shares no code or SQL with the
dbt models, so an agreement between the two is evidence, not an echo.

- An order counts in a quarter when it is dated from the quarter's first day to its as-of
  date and was completed at the end of the as-of date. The source keeps one row per order:
  its status was the booked `completed` until `updated_at`, then the row's status.
- Lifecycle as of the quarter start, from completed orders (earlier orders with their status
  when the quarter began): new = no completed order before the quarter; existing = the last
  one within `churn_window_days` before the first day (inclusive); churned = older; recalled
  = churned and ordering in the quarter. Segment: new, or existing (existing and recalled).
- Team: each rep has one node a quarter, in the group they are assigned to on the quarter's
  first day (valid_from inclusive, valid_to exclusive), else the first group they join
  by the as-of date; all of the rep's lines of the quarter count there, in that group and
  in its region's tier. A rep with no assignment in the quarter counts in no tier.
- Commission: per completed line, net amount x the rate of the set in effect for the
  quarter by segment x tier, rounded half up to the cent; minus the lines of earlier
  quarters' orders completed when the quarter began and not completed at its as-of date,
  at the rate they earned in their own quarter.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pandas as pd


@dataclass(frozen=True)
class Quarter:
    label: str
    start: date
    end: date
    as_of: date

    @property
    def as_of_end(self) -> pd.Timestamp:
        return pd.Timestamp(self.as_of + timedelta(days=1))

    @property
    def start_moment(self) -> pd.Timestamp:
        return pd.Timestamp(self.start)


def quarters_between(first: date, last: date, as_of: date) -> list[Quarter]:
    quarters, start = [], first
    while start <= last:
        month = start.month + 3
        following = date(start.year + (month - 1) // 12, (month - 1) % 12 + 1, 1)
        end = following - timedelta(days=1)
        label = f"{start.year}Q{(start.month - 1) // 3 + 1}"
        quarters.append(Quarter(label, start, end, min(end, as_of)))
        start = following
    return quarters


@dataclass(frozen=True)
class Sources:
    orders: pd.DataFrame  # order_id, customer_id, rep_id, order_date, status, updated_at
    lines: pd.DataFrame  # order_line_id, order_id, product_id, quantity, net_amount (Decimal)
    products: pd.DataFrame  # product_id, tier
    assignments: pd.DataFrame  # rep_id, group_id, valid_from, valid_to
    groups: pd.DataFrame  # group_id, region_tier
    churn_window_days: dict[str, int]  # from_quarter -> days
    commission_rates: pd.DataFrame  # from_quarter, customer_type, product_tier, rate


def read_sources(sources_dir: Path, plan_dir: Path) -> Sources:
    with sqlite3.connect(sources_dir / "orders.sqlite") as shop:
        orders = pd.read_sql(
            "select order_id, customer_id, rep_id, order_date, status, updated_at from orders",
            shop,
            parse_dates=["order_date", "updated_at"],
        )
        lines = pd.read_sql(
            "select order_line_id, order_id, product_id, quantity, "
            "cast(net_amount as text) as net_amount from order_lines",
            shop,
        )
        products = pd.read_sql("select product_id, tier from products", shop)
    with sqlite3.connect(sources_dir / "crm.sqlite") as crm:
        assignments = pd.read_sql(
            "select rep_id, group_id, valid_from, valid_to from rep_assignments",
            crm,
            parse_dates=["valid_from", "valid_to"],
        )
        groups = pd.read_sql(
            "select g.group_id, r.tier as region_tier from sales_groups g "
            "join regions r on r.region_id = g.region_id",
            crm,
        )
    lines["net_amount"] = lines["net_amount"].map(lambda v: Decimal(v).quantize(Decimal("0.01")))
    kpis = pd.read_csv(plan_dir / "kpi_targets.csv")
    rates = pd.read_csv(plan_dir / "commission_rates.csv", dtype={"rate": str})
    return Sources(
        orders=orders,
        lines=lines,
        products=products,
        assignments=assignments,
        groups=groups,
        churn_window_days=dict(
            zip(kpis.from_quarter, kpis.churn_window_days.astype(int), strict=True)
        ),
        commission_rates=rates,
    )


def completed_at(orders: pd.DataFrame, moment: pd.Timestamp) -> pd.Series:
    """Was each order completed just before `moment`? Booked completed, changed at updated_at."""
    return (orders.status == "completed") | (orders.updated_at >= moment)


def in_effect(by_quarter: dict[str, object], quarter: str):
    return by_quarter[max(q for q in by_quarter if q <= quarter)]


def customer_segments(sources: Sources, quarter: Quarter) -> pd.DataFrame:
    """customer_id -> lifecycle_at_start, ordered_in_quarter, segment, for the quarter."""
    orders = sources.orders
    before = orders[
        (orders.order_date < pd.Timestamp(quarter.start))
        & completed_at(orders, quarter.start_moment)
    ]
    during = quarter_orders(sources, quarter)
    last_before = before.groupby("customer_id").order_date.max()
    window_start = pd.Timestamp(quarter.start) - pd.Timedelta(
        days=in_effect(sources.churn_window_days, quarter.label)
    )
    customers = pd.DataFrame(index=last_before.index.union(pd.Index(during.customer_id.unique())))
    customers["lifecycle_at_start"] = None
    customers.loc[last_before.index, "lifecycle_at_start"] = [
        "existing" if day >= window_start else "churned" for day in last_before
    ]
    customers["ordered_in_quarter"] = customers.index.isin(during.customer_id)
    customers["segment"] = [
        "new" if state is None else "existing" for state in customers.lifecycle_at_start
    ]
    return customers


def quarter_orders(sources: Sources, quarter: Quarter) -> pd.DataFrame:
    orders = sources.orders
    return orders[
        (orders.order_date >= pd.Timestamp(quarter.start))
        & (orders.order_date <= pd.Timestamp(quarter.as_of))
        & completed_at(orders, quarter.as_of_end)
    ]


def node_groups(sources: Sources, quarter: Quarter) -> dict[str, str]:
    """rep_id -> the group holding the rep's one node of the quarter: the assignment valid on
    the first day, else the earliest one starting by the as-of date; reps without either are
    left out."""
    start, as_of = pd.Timestamp(quarter.start), pd.Timestamp(quarter.as_of)
    found = {}
    for rep, frame in sources.assignments.groupby("rep_id"):
        frame = frame[frame.valid_from.notna()]
        on_first_day = frame[
            (frame.valid_from <= start) & (frame.valid_to.isna() | (frame.valid_to > start))
        ]
        if len(on_first_day):
            found[rep] = on_first_day.sort_values("valid_from").group_id.iloc[-1]
            continue
        joined = frame[(frame.valid_from > start) & (frame.valid_from <= as_of)]
        if len(joined):
            found[rep] = joined.sort_values("valid_from").group_id.iloc[0]
    return found


def classified_lines(sources: Sources, quarter: Quarter) -> pd.DataFrame:
    """The quarter's completed lines with segment, tier, group and tier node."""
    orders = quarter_orders(sources, quarter)
    segments = customer_segments(sources, quarter)
    lines = sources.lines.merge(orders, on="order_id").merge(
        sources.products, on="product_id", how="left"
    )
    lines["tier"] = lines.tier.fillna("unclassified")
    lines["segment"] = segments.segment.reindex(lines.customer_id).to_numpy()
    lines["group_id"] = lines.rep_id.map(node_groups(sources, quarter))
    region = dict(zip(sources.groups.group_id, sources.groups.region_tier, strict=True))
    lines["region_tier"] = lines.group_id.map(region)
    return lines


def money(values) -> Decimal:
    return sum(values, Decimal(0)).quantize(Decimal("0.01"))


def node_actuals(sources: Sources, quarter: Quarter) -> dict[tuple[str, str], Decimal]:
    """(node_id, metric) -> actual for the total, segments, tiers, regions, groups and reps."""
    lines = classified_lines(sources, quarter)
    actuals = {("total", "revenue"): money(lines.net_amount)}
    for segment, part in lines.groupby("segment"):
        actuals[(f"customer/{segment}", "revenue")] = money(part.net_amount)
    for tier, part in lines.groupby("tier"):
        actuals[(f"product/{tier}", "revenue")] = money(part.net_amount)
        actuals[(f"product/{tier}", "units")] = Decimal(int(part.quantity.sum()))
    assigned = lines[lines.region_tier.notna()]
    for region, part in assigned.groupby("region_tier"):
        actuals[(f"team/{region}", "revenue")] = money(part.net_amount)
    for (region, group), part in assigned.groupby(["region_tier", "group_id"]):
        actuals[(f"team/{region}/{group}", "revenue")] = money(part.net_amount)
    for (region, group, rep), part in assigned.groupby(["region_tier", "group_id", "rep_id"]):
        actuals[(f"team/{region}/{group}/{rep}", "revenue")] = money(part.net_amount)
    return actuals


def rep_revenue(sources: Sources, quarter: Quarter) -> dict[str, Decimal]:
    lines = classified_lines(sources, quarter)
    return {rep: money(part.net_amount) for rep, part in lines.groupby("rep_id")}


def customer_kpis(sources: Sources, quarter: Quarter) -> dict[str, float]:
    customers = customer_segments(sources, quarter)
    existing = customers[customers.lifecycle_at_start == "existing"]
    churned = customers[customers.lifecycle_at_start == "churned"]
    return {
        "new_customers": float((customers.segment == "new").sum()),
        "repurchase_rate": existing.ordered_in_quarter.mean() if len(existing) else None,
        "churn_recall_rate": churned.ordered_in_quarter.mean() if len(churned) else None,
    }


def _rate(sources: Sources, quarter: str, customer_type: str, tier: str) -> Decimal:
    rates = sources.commission_rates
    sets = rates[rates.from_quarter <= quarter]
    if sets.empty:
        return Decimal(0)
    chosen = sets[
        (sets.from_quarter == sets.from_quarter.max())
        & (sets.customer_type == customer_type)
        & (sets.product_tier == tier)
    ]
    return Decimal(chosen.rate.iloc[0]) if len(chosen) else Decimal(0)


def _commission(net: Decimal, rate: Decimal) -> Decimal:
    return (net * rate).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def commissions(sources: Sources, quarters: list[Quarter]) -> dict[tuple[str, str], Decimal]:
    """(quarter, rep_id) -> commission of the quarter's sales minus its clawbacks."""
    result: dict[tuple[str, str], Decimal] = {}
    for quarter in quarters:
        lines = classified_lines(sources, quarter)
        for rep, part in lines.groupby("rep_id"):
            result[(quarter.label, rep)] = sum(
                (
                    _commission(net, _rate(sources, quarter.label, seg, tier))
                    for net, seg, tier in zip(part.net_amount, part.segment, part.tier, strict=True)
                ),
                Decimal(0),
            )
    for key, (_, clawed) in clawbacks(sources, quarters).items():
        result[key] = result.get(key, Decimal(0)) - clawed
    return result


def clawbacks(
    sources: Sources, quarters: list[Quarter]
) -> dict[tuple[str, str], tuple[Decimal, Decimal]]:
    """(quarter, rep_id) -> (refunded net amount, commission taken back): the lines of orders
    of earlier quarters that were completed when the quarter began and are not at its as-of
    date, each at the rate it earned in its own quarter (as classified there)."""
    earned_lines: dict[str, pd.DataFrame] = {}
    result: dict[tuple[str, str], tuple[Decimal, Decimal]] = {}
    orders = sources.orders
    for quarter in quarters:
        refunded = orders[
            (orders.order_date < pd.Timestamp(quarter.start))
            & completed_at(orders, quarter.start_moment)
            & ~completed_at(orders, quarter.as_of_end)
        ]
        for order in refunded.itertuples():
            # the order's own quarter, closed (possibly before the first quarter run)
            day = order.order_date.date()
            first = date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
            (own,) = quarters_between(first, first, date.max)
            if own.label < sources.commission_rates.from_quarter.min():
                # before the first commission set: refunded, but it had earned nothing
                net = sum(sources.lines[sources.lines.order_id == order.order_id].net_amount)
                key = (quarter.label, order.rep_id)
                refunded_net, clawed = result.get(key, (Decimal(0), Decimal(0)))
                result[key] = (refunded_net + net, clawed)
                continue
            if own.label not in earned_lines:
                earned_lines[own.label] = classified_lines(sources, own)
            own_lines = earned_lines[own.label]
            for line in own_lines[own_lines.order_id == order.order_id].itertuples():
                key = (quarter.label, order.rep_id)
                net, clawed = result.get(key, (Decimal(0), Decimal(0)))
                result[key] = (
                    net + line.net_amount,
                    clawed
                    + _commission(
                        line.net_amount, _rate(sources, own.label, line.segment, line.tier)
                    ),
                )
    return result
