"""`plan init`: a complete starter plan from the mapped sources' org and order history.

A department adopting the pipeline has an org and a sales history, not a plan in this
format. `plan init` loads the sources (the pipeline's own ingestion: same mapping,
quarantine and reconciliation), builds the staging tables with dbt, names the org's tiers
and kinds, builds the resolved org, and writes every plan file (`starter.py`):

- `region_tiers.csv`: every region with sales groups and the tier (team segment) it counts
  in: the CRM's tier, else a name made from the region's (`North America` -> north_america);
  `group_kinds.csv`: every group's kind, the CRM's, else `normal`;
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

import re
import shutil
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path

import duckdb

from orchestration.partitions import quarter_label, quarter_start_of
from orchestration.plan.check import check_plan
from orchestration.plan.dbt_build import copy_plan
from orchestration.plan.errors import PlanError
from orchestration.plan.org import load_org
from orchestration.plan.starter import (
    TEMPLATE_DIR,
    History,
    StarterPlan,
    planned_quarters,
    shifted,
    write_classification,
    write_starter_plan,
)
from orchestration.settings import Settings
from orchestration.transform.project import plan_snapshot_dir

DEFAULT_GROUP_KIND = "normal"
# the org's classification, seeded from the starter plan's files, then the resolved org
ORG_BUILD_SELECTION = (
    "region_tiers",
    "group_kinds",
    "int_sales_groups_classified",
    "int_rep_assignments_resolved",
)
CRM_ORG_SQL = """
    select groups.group_id, groups.group_kind, regions.region_id, regions.region_name,
        regions.tier, groups.group_name
    from staging.stg_crm__sales_groups as groups
    join staging.stg_crm__regions as regions on regions.region_id = groups.region_id
    order by regions.region_id, groups.group_id
"""
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
    spans.region_tier,
    sum(lines.net_amount) as revenue
from staging.stg_orders__order_lines as lines
join orders on orders.order_id = lines.order_id
join first_quarters on first_quarters.customer_id = orders.customer_id
left join staging.stg_orders__products as products on products.product_id = lines.product_id
left join intermediate.int_rep_assignments_resolved as spans
    on spans.rep_id = orders.rep_id
    and spans.valid_from <= orders.order_date
    and (spans.valid_until is null or orders.order_date < spans.valid_until)
group by all
"""
ORG_SQL = {
    "tiers": "select distinct region_tier from intermediate.int_sales_groups_classified "
    "where region_tier is not null",
    "product_tiers": "select distinct tier from staging.stg_orders__products "
    "where tier is not null",
    "group_kinds": "select distinct group_kind from intermediate.int_sales_groups_classified "
    "where group_kind is not null",
    "roles": "select distinct role from staging.stg_crm__reps where role is not null",
}


def tier_name(text: str) -> str:
    """A team segment name made from a region's name: lowercase letters, digits and
    underscores, starting with a letter (`Tier-1 cities` -> tier_1_cities)."""
    name = re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")
    return name if re.match(r"[a-z]", name) else f"region_{name}".rstrip("_")


def classify_org(rows: list[tuple]) -> tuple[dict[str, str], dict[str, str]]:
    """(region -> tier, group -> kind) for the CRM's groups and their regions: the CRM's
    own where it has one, else a tier named after the region and the default kind. Two
    regions whose names give the same tier keep apart by their ids."""
    kinds = {group_id: kind or DEFAULT_GROUP_KIND for group_id, kind, *_ in rows}
    regions = {region_id: (name, tier) for _, _, region_id, name, tier, _ in rows}
    made = {rid: tier_name(name or rid) for rid, (name, tier) in regions.items() if not tier}
    taken = [tier for _, tier in regions.values() if tier] + list(made.values())
    tiers = {}
    for region_id, (_, tier) in regions.items():
        if tier:
            tiers[region_id] = tier
        else:
            name = made[region_id]
            tiers[region_id] = name if taken.count(name) == 1 else tier_name(f"{name}_{region_id}")
    return tiers, kinds


def read_history(
    warehouse_path: Path, fiscal_year_start_month: int, tiers: dict, kinds: dict, names: dict
) -> History:
    """Revenue history and org facts from the warehouse's staging tables and resolved org."""
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
    return History(
        revenue=revenue, region_tiers=tiers, group_kinds_of_groups=kinds, names=names, **org
    )


def _dbt(settings: Settings, *arguments: str) -> None:
    """`dbt <arguments>` as the pipeline runs it (its env and saved parse, in a work dir)."""
    from orchestration.transform.project import pipeline_invocation

    work_dir = settings.data_dir / "plan_init"
    work_dir.mkdir(parents=True, exist_ok=True)
    pipeline_invocation(settings, arguments, work_dir=work_dir).run().raise_for_failure("plan init")


def _org_rows(warehouse_path: Path) -> list[tuple]:
    with duckdb.connect(str(warehouse_path), read_only=True) as connection:
        return connection.execute(CRM_ORG_SQL).fetchall()


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
    # dbt parses the whole project, seeds included: the pipeline's plan snapshot (the copy
    # a run seeds from) holds the template's plan files while plan init builds
    scratch_plan = plan_snapshot_dir(settings)
    shutil.rmtree(scratch_plan, ignore_errors=True)
    copy_plan(TEMPLATE_DIR, scratch_plan)
    say("building the staging tables (dbt)")
    _dbt(settings, "run", "--select", "staging")
    org_rows = _org_rows(settings.warehouse_path)
    tiers, kinds = classify_org(org_rows)
    names = {row[2]: row[3] or "" for row in org_rows} | {row[0]: row[5] or "" for row in org_rows}
    write_classification(scratch_plan, tiers, kinds)
    say("building the org with its tiers and kinds (dbt)")
    _dbt(settings, "build", "--select", *ORG_BUILD_SELECTION)
    history = read_history(settings.warehouse_path, fiscal, tiers, kinds, names)
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
        shifted(known[0], 1, fiscal),
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
