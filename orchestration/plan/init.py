"""`plan init`: a complete starter plan from the mapped sources' org and order history.

A department adopting the pipeline has an org and a sales history, not a plan in this
format. `plan init` loads the sources (the pipeline's own ingestion: same mapping,
quarantine and reconciliation), builds the staging views and the resolved org with dbt,
and writes every plan file:

- `quarter_totals.csv`: each quarter's revenue target is the same quarter's actual revenue
  a year earlier x (1 + growth); a quarter without a year of history before it grows last
  quarter's actual instead (`revenue_growth`, measured by the pipeline);
- `dimension_shares.csv`: a set per quarter, each segment's share of the revenue in the
  (up to) four quarters before it: customer (new / existing), product tiers, region tiers
  with sales groups; 4 decimals, the largest share takes the rounding;
- `group_kind_weights.csv`, `role_weights.csv`: every group kind and role the org has, at
  the template's weight (1.00 for one it does not know);
- `responsibilities.csv`: the template's responsibilities whose owner exists in the org;
- policy (awards, bonus tiers, commission rates, KPI targets, warning lines): the
  template's current set, in effect from the first planned quarter; holidays as they are;
- org-specific choices (group allocation, rep overrides, resources, actions, revisions,
  weekly phasing): headers only, for sales ops to fill.

The template is the project's default plan (`seeds/`). The result must pass `plan check`
against the warehouse's org; `init_plan` checks it before it returns.
"""

from __future__ import annotations

import csv
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import duckdb

from orchestration.partitions import (
    add_months,
    parse_quarter,
    quarter_label,
    quarter_labels,
    quarter_start_of,
)
from orchestration.plan.check import check_plan
from orchestration.plan.errors import PlanError
from orchestration.plan.org import load_org
from orchestration.settings import Settings

TEMPLATE_DIR = Settings().project_root / "seeds"
CENT = Decimal("0.01")
SHARE_PLACES = Decimal("0.0001")
# the dbt models plan init needs: staging (the sources' latest versions) and the org
ORG_SELECTION = ("staging", "int_rep_assignments_resolved")
POLICY_FILES = (
    "awards.csv",
    "bonus_tiers.csv",
    "commission_rates.csv",
    "kpi_targets.csv",
    "warning_lines.csv",
)
HEADER_ONLY_FILES = (
    "actions.csv",
    "group_allocation.csv",
    "plan_revisions.csv",
    "rep_overrides.csv",
    "resources.csv",
    "weekly_phasing.csv",
)

# Revenue of completed orders by fiscal quarter and segment; a line's region tier is that
# of the rep's group on the order date (unassigned: null), its customer segment `new` in
# the quarter of the customer's first completed order.
HISTORY_SQL = """
with orders as (
    select order_id, customer_id, rep_id, order_date,
        cast(date_trunc('quarter', order_date - to_months($offset))
            + to_months($offset) as date) as quarter_start
    from staging.stg_orders__orders
    where is_completed and order_date is not null
),
first_quarters as (
    select customer_id, min(quarter_start) as first_quarter_start
    from orders
    group by customer_id
)
select
    orders.quarter_start,
    case when first_quarters.first_quarter_start = orders.quarter_start
        then 'new' else 'existing' end as customer_segment,
    products.tier as product_tier,
    regions.tier as region_tier,
    sum(lines.net_amount) as revenue
from staging.stg_orders__order_lines as lines
join orders on orders.order_id = lines.order_id
join first_quarters on first_quarters.customer_id = orders.customer_id
left join staging.stg_orders__products as products on products.product_id = lines.product_id
left join intermediate.int_rep_assignments_resolved as spans
    on spans.rep_id = orders.rep_id
    and spans.valid_from <= orders.order_date
    and (spans.valid_until is null or orders.order_date < spans.valid_until)
left join staging.stg_crm__sales_groups as groups on groups.group_id = spans.group_id
left join staging.stg_crm__regions as regions on regions.region_id = groups.region_id
group by all
"""
ORG_SQL = {
    "tiers": """
        select distinct regions.tier
        from staging.stg_crm__sales_groups as groups
        join staging.stg_crm__regions as regions on regions.region_id = groups.region_id
        where regions.tier is not null
    """,
    "product_tiers": "select distinct tier from staging.stg_orders__products "
    "where tier is not null",
    "group_kinds": "select distinct group_kind from staging.stg_crm__sales_groups "
    "where group_kind is not null",
    "roles": "select distinct role from staging.stg_crm__reps where role is not null",
}


@dataclass(frozen=True)
class History:
    """Completed revenue by quarter and segment, and what the org has."""

    revenue: dict[tuple[str, str, str, str | None], Decimal]  # (quarter, customer, product, tier)
    tiers: tuple[str, ...]
    product_tiers: tuple[str, ...]
    group_kinds: tuple[str, ...]
    roles: tuple[str, ...]

    def quarters(self) -> list[str]:
        return sorted({quarter for quarter, *_ in self.revenue})

    def total(self, quarter: str) -> Decimal:
        return sum((v for (q, *_), v in self.revenue.items() if q == quarter), Decimal(0))


@dataclass
class StarterPlan:
    """What `init_plan` wrote, for the CLI to print."""

    out_dir: Path
    quarters: list[str]
    targets: dict[str, str] = field(default_factory=dict)  # quarter -> how its total is set
    # quarter -> its shares by (dimension, segment), and the quarters they come from
    shares: dict[str, dict[tuple[str, str], Decimal]] = field(default_factory=dict)
    share_history: dict[str, list[str]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def read_history(warehouse_path: Path, fiscal_year_start_month: int = 1) -> History:
    """Revenue history and org facts from the warehouse's staging views."""
    with duckdb.connect(str(warehouse_path), read_only=True) as connection:
        rows = connection.execute(
            HISTORY_SQL.replace("$offset", str(fiscal_year_start_month - 1))
        ).fetchall()
        org = {
            name: tuple(sorted(row[0] for row in connection.execute(sql).fetchall()))
            for name, sql in ORG_SQL.items()
        }
    revenue: dict[tuple[str, str, str, str | None], Decimal] = {}
    for quarter_start, customer, product, tier, amount in rows:
        key = (quarter_label(quarter_start, fiscal_year_start_month), customer, product, tier)
        revenue[key] = revenue.get(key, Decimal(0)) + Decimal(str(amount or 0))
    return History(revenue=revenue, **org)


def rounded_shares(amounts: dict[str, Decimal]) -> dict[str, Decimal]:
    """Each segment's share of the total, 4 decimals, the largest absorbing the rounding;
    equal shares when there is no revenue at all."""
    total = sum(amounts.values(), Decimal(0))
    if total <= 0:
        amounts, total = {segment: Decimal(1) for segment in amounts}, Decimal(len(amounts))
    shares = {
        segment: (amount / total).quantize(SHARE_PLACES, rounding=ROUND_HALF_UP)
        for segment, amount in amounts.items()
    }
    largest = max(sorted(shares), key=lambda segment: shares[segment])
    shares[largest] += Decimal(1) - sum(shares.values())
    return shares


def _shifted(quarter: str, quarters: int, fiscal_year_start_month: int) -> str:
    """The quarter `quarters` quarters after (negative: before) `quarter`."""
    start = parse_quarter(quarter, fiscal_year_start_month)
    return quarter_label(add_months(start, 3 * quarters), fiscal_year_start_month)


def planned_quarters(first: str, last: str, fiscal_year_start_month: int = 1) -> list[str]:
    """`first` through `last`, both included."""
    start, end = (parse_quarter(q, fiscal_year_start_month) for q in (first, last))
    if start > end:
        raise PlanError(None, None, "quarter_range", f"--from {first} is after --to {last}")
    return quarter_labels(start, end, fiscal_year_start_month)


def _read(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        return list(reader.fieldnames or []), [row for row in reader if any(row.values())]


def _write(path: Path, header: list[str], rows: list[dict[str, str]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=header, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def _current_set(rows: list[dict[str, str]], first: str) -> list[dict[str, str]]:
    """The template's newest `from_quarter` set, moved to start at `first`."""
    if not rows:
        return []
    newest = max(row["from_quarter"] for row in rows)
    return [{**row, "from_quarter": first} for row in rows if row["from_quarter"] == newest]


def _quarter_totals(
    history: History, quarters: list[str], growth: Decimal, fiscal_year_start_month: int
) -> tuple[list[dict[str, str]], dict[str, str]]:
    known = history.quarters()
    # the first quarter of the history may have started before the sources did
    complete = set(known[1:])
    rows, how = [], {}
    for quarter in quarters:
        year_before = _shifted(quarter, -4, fiscal_year_start_month)
        row = dict.fromkeys(
            ("quarter", "revenue_target", "revenue_growth", "baseline_revenue",
             "baseline_core_units", "note"), "",
        )  # fmt: skip
        row["quarter"] = quarter
        if year_before in complete:
            actual = history.total(year_before).quantize(CENT)
            target = (actual * (1 + growth)).quantize(CENT, rounding=ROUND_HALF_UP)
            row["revenue_target"] = f"{target:.2f}"
            row["note"] = f"{year_before} actual {actual:.2f} x (1 + {growth})"
            how[quarter] = f"{target:,.2f} = {year_before} actual {actual:,.2f} x (1 + {growth})"
        else:
            row["revenue_growth"] = str(growth)
            row["note"] = f"Last quarter's actual x (1 + {growth}): no {year_before} history"
            how[quarter] = f"last quarter's actual x (1 + {growth}) (no {year_before} history)"
        rows.append(row)
    return rows, how


def _dimension_shares(
    history: History, window: list[str], template_customer: dict[str, Decimal]
) -> dict[tuple[str, str], Decimal]:
    """Each dimension's shares of the revenue in the `window` quarters. The customer split
    skips the history's first quarter, where every customer is new to the sources; with
    no other quarter it is the template's."""
    first_known = history.quarters()[0]
    by_dimension: dict[str, dict[str, Decimal]] = {
        "customer": dict.fromkeys(("existing", "new"), Decimal(0)),
        "product": dict.fromkeys(history.product_tiers, Decimal(0)),
        "team": dict.fromkeys(history.tiers, Decimal(0)),
    }
    for (quarter, customer, product, tier), amount in history.revenue.items():
        if quarter not in window:
            continue
        segments = [("product", product), ("team", tier)]
        if quarter != first_known:
            segments.append(("customer", customer))
        for dimension, segment in segments:
            if segment in by_dimension[dimension]:
                by_dimension[dimension][segment] += amount
    if not any(by_dimension["customer"].values()):
        by_dimension["customer"] = dict(template_customer)
    return {
        (dimension, segment): share
        for dimension, amounts in by_dimension.items()
        if amounts
        for segment, share in rounded_shares(amounts).items()
    }


def write_starter_plan(
    history: History,
    out_dir: Path,
    quarters: list[str],
    growth: Decimal,
    fiscal_year_start_month: int = 1,
    template_dir: Path = TEMPLATE_DIR,
) -> StarterPlan:
    """Write the plan files for `quarters` into `out_dir` (created; must not exist or be
    empty) from `history` and the template's policy."""
    first = quarters[0]
    known = set(history.quarters())
    plan = StarterPlan(out_dir=out_dir, quarters=quarters)
    out_dir.mkdir(parents=True, exist_ok=True)

    totals, plan.targets = _quarter_totals(history, quarters, growth, fiscal_year_start_month)
    header, _ = _read(template_dir / "quarter_totals.csv")
    _write(out_dir / "quarter_totals.csv", header, totals)

    header, rows = _read(template_dir / "dimension_shares.csv")
    template_customer = {
        row["segment"]: Decimal(row["share"])
        for row in _current_set(rows, first)
        if row["dimension"] == "customer"
    }
    share_rows = []
    for quarter in quarters:
        window = [
            q
            for q in (_shifted(quarter, -n, fiscal_year_start_month) for n in range(4, 0, -1))
            if q in known
        ]
        plan.share_history[quarter] = window
        plan.shares[quarter] = _dimension_shares(history, window, template_customer)
        share_rows += [
            {"from_quarter": quarter, "dimension": d, "segment": s, "share": format(v, "f")}
            for (d, s), v in plan.shares[quarter].items()
        ]
    _write(out_dir / "dimension_shares.csv", header, share_rows)
    if len(plan.share_history[first]) < 2:
        plan.notes.append(
            f"{first}'s shares come from {', '.join(plan.share_history[first])} alone, and "
            "its customer split is the template's: the sources hold no earlier history"
        )

    for name, column, present in (
        ("group_kind_weights.csv", "group_kind", history.group_kinds),
        ("role_weights.csv", "role", history.roles),
    ):
        header, rows = _read(template_dir / name)
        weights = {row[column]: row["weight"] for row in _current_set(rows, first)}
        _write(
            out_dir / name,
            header,
            [
                {"from_quarter": first, column: value, "weight": weights.get(value, "1.00")}
                for value in present
            ],
        )

    header, rows = _read(template_dir / "responsibilities.csv")
    kept = [
        row
        for row in _current_set(rows, first)
        if (row["owner_group_kind"] or None) in (None, *history.group_kinds)
        and (row["owner_role"] or None) in (None, *history.roles)
    ]
    _write(out_dir / "responsibilities.csv", header, kept)
    for row in rows:
        if row not in kept and row["from_quarter"] == max(r["from_quarter"] for r in rows):
            plan.notes.append(
                f"responsibility {row['responsibility']} left out: the org has no "
                f"{row['owner_group_kind'] or row['owner_role']} owner"
            )

    for name in POLICY_FILES:
        header, rows = _read(template_dir / name)
        _write(out_dir / name, header, _current_set(rows, first))
    for name in HEADER_ONLY_FILES:
        header, _ = _read(template_dir / name)
        _write(out_dir / name, header, [])
    shutil.copyfile(template_dir / "holidays.csv", out_dir / "holidays.csv")
    plan.notes.append(
        "holidays.csv is the template's public-holiday calendar: replace it with your own"
    )
    return plan


def build_org_views(settings: Settings) -> None:
    """Build the staging views and the resolved org over the warehouse's raw tables."""
    from orchestration.transform.dbt_invocation import DbtInvocation, project_env
    from orchestration.transform.project import parse_state_path, unmapped_tables

    work_dir = settings.data_dir / "plan_init_dbt"
    work_dir.mkdir(parents=True, exist_ok=True)
    DbtInvocation(
        ("run", "--select", *ORG_SELECTION),
        settings.dbt_project_dir,
        project_env(
            settings.warehouse_path,
            plan_dir=settings.plan_dir,
            fiscal_year_start_month=settings.fiscal_year_start_month,
            memory_limit=settings.warehouse_memory_limit,
            unmapped_tables=unmapped_tables(settings),
        ),
        work_dir=work_dir,
        parse_state=parse_state_path(settings),
    ).run().raise_for_failure("building the staging views and the org")


def init_plan(
    settings: Settings,
    out_dir: Path,
    *,
    growth: Decimal,
    first_quarter: str | None = None,
    last_quarter: str | None = None,
    today: date | None = None,
    say: Callable[[str], None] = print,
) -> StarterPlan:
    """Load the sources, then write and check a starter plan in `out_dir`."""
    from orchestration.ingest.load import ingest_all

    out_dir = Path(out_dir)
    if out_dir.exists() and any(out_dir.iterdir()):
        raise PlanError(str(out_dir), None, "out_not_empty", "--out must be a new or empty folder")
    fiscal = settings.fiscal_year_start_month
    say(f"loading the sources mapped in {settings.source_mapping_dir}")
    ingest_all(settings, progress=lambda step: say(f"  {step.message()}"))
    say("building the staging views and the org (dbt)")
    build_org_views(settings)
    history = read_history(settings.warehouse_path, fiscal)
    known = history.quarters()
    if len(known) < 2:
        raise PlanError(
            str(settings.source_mapping_dir),
            None,
            "no_history",
            f"the sources have completed orders in {len(known)} quarter(s); plan init needs "
            "at least one full quarter before the first planned one",
        )
    default_first = max(
        quarter_label(
            quarter_start_of(date.fromisoformat(settings.first_quarter_start), fiscal), fiscal
        ),
        _shifted(known[0], 1, fiscal),
    )
    first = first_quarter or default_first
    last = last_quarter or quarter_label(quarter_start_of(today or date.today(), fiscal), fiscal)
    plan = write_starter_plan(
        history, out_dir, planned_quarters(first, last, fiscal), growth, fiscal
    )
    org, _ = load_org(settings.warehouse_path)
    errors = check_plan(out_dir, org=org, fiscal_year_start_month=fiscal)
    if errors:
        raise errors[0]
    return plan
