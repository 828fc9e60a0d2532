"""Plan contracts: what each CSV file of the plan (`seeds/`) must look like.

One `DataFrameModel` per plan file, checked row by row before anything is seeded or built.
Rules that need several rows or several files (shares summing to 1, references between
files, overlapping revisions) live in `orchestration/plan/rules.py`; the column-by-column
meaning of every file is in `docs/plan.md`.

Column types follow the dbt seed types (`_plan__seeds.yml`): text -> str, DECIMAL and
DOUBLE -> float64, INTEGER -> Int64, DATE -> datetime64. The plan loader parses the text
of the CSV into these types first and reports a cell that does not parse (rule `type`),
so these contracts only see well-typed values.
"""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

QUARTER_PATTERN = r"^\d{4}Q[1-4]$"

DIMENSION_SEGMENTS: dict[str, tuple[str, ...]] = {
    "customer": ("existing", "new"),
    "product": ("core", "new", "long_tail"),
    "team": ("tier1", "tier2", "tier3_4", "channel"),
}
REGION_TIERS = list(DIMENSION_SEGMENTS["team"])
GROUP_KINDS = ["star", "normal", "newcomer", "new_product_squad"]
REP_ROLES = ["sales", "top_sales", "newcomer", "customer_success", "channel_manager"]
TREE_METRICS = ["revenue", "units", "customers", "rate"]
# Warning lines exist for the tree metrics and for the weekly customer KPIs.
WARNING_METRICS = [*TREE_METRICS, "new_customers", "lead_conversion_rate", "repurchase_rate"]
# Nodes whose revenue a responsibility can take a slice of.
RESPONSIBILITY_SOURCES = [
    f"{dimension}/{segment}"
    for dimension in ("customer", "product")
    for segment in DIMENSION_SEGMENTS[dimension]
]
# Fourteen Monday-to-Sunday weeks touch a quarter at most.
MAX_WEEKS_IN_QUARTER = 14
# Anything of 10^16 or more does not fit DECIMAL(18,2).
MONEY_LIMIT = 1e16
SLUG_PATTERN = r"^[a-z][a-z0-9_]*$"


def _quarter(description: str) -> pa.Field:
    return pa.Field(str_matches=QUARTER_PATTERN, description=description)


def _whole_cents(series: pd.Series) -> pd.Series:
    cents = series * 100
    return series.isna() | ((cents - cents.round()).abs() < 1e-6)


def _exactly_one(frame: pd.DataFrame, first: str, second: str) -> pd.Series:
    return frame[first].notna() != frame[second].notna()


class QuarterTotals(pa.DataFrameModel):
    """`quarter_totals.csv`: one row per planned quarter and how its total is set."""

    quarter: Series[str] = _quarter("The planned quarter, written YYYYQn (2026Q3).")
    revenue_target: Series[float] = pa.Field(
        nullable=True,
        ge=0,
        lt=MONEY_LIMIT,
        description="Explicit quarter revenue target in money; blank when set by growth.",
    )
    revenue_growth: Series[float] = pa.Field(
        nullable=True,
        gt=-1,
        description="Growth on last quarter's actual revenue (0.10 = +10%); blank when explicit.",
    )
    baseline_revenue: Series[float] = pa.Field(
        nullable=True,
        ge=0,
        lt=MONEY_LIMIT,
        description="Last quarter's actual revenue as the plan states it; blank = warehouse.",
    )
    baseline_core_units: Series[pd.Int64Dtype] = pa.Field(
        nullable=True,
        ge=0,
        description="Last quarter's core-product units as the plan states them; blank = warehouse.",
    )
    note: Series[str] = pa.Field(nullable=True, description="Free text for reviewers.")

    class Config:
        strict = True
        coerce = True

    @pa.check("revenue_target", "baseline_revenue", name="whole_cents")
    def whole_cents(cls, series: Series[float]) -> Series[bool]:
        return _whole_cents(series)

    @pa.dataframe_check(name="exactly_one_total_method")
    def exactly_one_total_method(cls, frame: pd.DataFrame) -> Series[bool]:
        return _exactly_one(frame, "revenue_target", "revenue_growth")


class DimensionShares(pa.DataFrameModel):
    """`dimension_shares.csv`: how the quarter total splits along each dimension."""

    from_quarter: Series[str] = _quarter("First quarter this set of shares applies to.")
    dimension: Series[str] = pa.Field(
        isin=list(DIMENSION_SEGMENTS), description="customer, product or team."
    )
    segment: Series[str] = pa.Field(
        description="Segment of the dimension: existing/new; core/new/long_tail; region tier."
    )
    share: Series[float] = pa.Field(
        in_range={"min_value": 0, "max_value": 1},
        description="Fraction of the quarter total (0.35 = 35%); a dimension's shares sum to 1.",
    )

    class Config:
        strict = True
        coerce = True

    @pa.dataframe_check(name="segment_belongs_to_dimension")
    def segment_belongs_to_dimension(cls, frame: pd.DataFrame) -> Series[bool]:
        return pd.Series(
            [
                segment in DIMENSION_SEGMENTS.get(dimension, ())
                for dimension, segment in zip(frame["dimension"], frame["segment"], strict=True)
            ],
            index=frame.index,
        )


class GroupKindWeights(pa.DataFrameModel):
    """`group_kind_weights.csv`: default weight of a group by its kind (star carries +15%)."""

    from_quarter: Series[str] = _quarter("First quarter this set of weights applies to.")
    group_kind: Series[str] = pa.Field(isin=GROUP_KINDS, description="Group kind in the CRM.")
    weight: Series[float] = pa.Field(gt=0, description="Relative weight (normal = 1.00).")

    class Config:
        strict = True
        coerce = True


class GroupAllocation(pa.DataFrameModel):
    """`group_allocation.csv`: groups with an explicit share of their region, or own weight."""

    from_quarter: Series[str] = _quarter("First quarter this set applies to.")
    region_tier: Series[str] = pa.Field(isin=REGION_TIERS, description="The group's region tier.")
    group_id: Series[str] = pa.Field(str_length={"min_value": 1}, description="CRM group id.")
    share: Series[float] = pa.Field(
        nullable=True,
        in_range={"min_value": 0, "max_value": 1},
        description="Explicit fraction of the region's target; blank when weighted.",
    )
    weight: Series[float] = pa.Field(
        nullable=True, gt=0, description="Weight replacing the group kind's; blank with a share."
    )
    reason: Series[str] = pa.Field(nullable=True, description="Why (for reviewers).")

    class Config:
        strict = True
        coerce = True

    @pa.dataframe_check(name="exactly_one_share_or_weight")
    def exactly_one_share_or_weight(cls, frame: pd.DataFrame) -> Series[bool]:
        return _exactly_one(frame, "share", "weight")


class RoleWeights(pa.DataFrameModel):
    """`role_weights.csv`: default weight of a rep by role (top sales +40% on a newcomer)."""

    from_quarter: Series[str] = _quarter("First quarter this set of weights applies to.")
    role: Series[str] = pa.Field(isin=REP_ROLES, description="Rep role in the CRM.")
    weight: Series[float] = pa.Field(gt=0, description="Relative weight (newcomer = 1.00).")

    class Config:
        strict = True
        coerce = True


class RepOverrides(pa.DataFrameModel):
    """`rep_overrides.csv`: a rep with an explicit share of the group, or an own weight."""

    from_quarter: Series[str] = _quarter("First quarter this set applies to.")
    rep_id: Series[str] = pa.Field(str_length={"min_value": 1}, description="CRM rep id.")
    share: Series[float] = pa.Field(
        nullable=True,
        in_range={"min_value": 0, "max_value": 1},
        description="Explicit fraction of the rep's group target; blank when weighted.",
    )
    weight: Series[float] = pa.Field(
        nullable=True, gt=0, description="Weight replacing the role's; blank with a share."
    )
    reason: Series[str] = pa.Field(str_length={"min_value": 1}, description="Why (required).")

    class Config:
        strict = True
        coerce = True

    @pa.dataframe_check(name="exactly_one_share_or_weight")
    def exactly_one_share_or_weight(cls, frame: pd.DataFrame) -> Series[bool]:
        return _exactly_one(frame, "share", "weight")


class KpiTargets(pa.DataFrameModel):
    """`kpi_targets.csv`: one row per set of KPI targets and method parameters."""

    from_quarter: Series[str] = _quarter("First quarter these targets apply to.")
    new_customer_aov: Series[float] = pa.Field(
        gt=0, lt=MONEY_LIMIT, description="New customers' average order value (money)."
    )
    lead_conversion_rate: Series[float] = pa.Field(
        ge=0, description="New customers won / leads created."
    )
    repurchase_rate: Series[float] = pa.Field(
        ge=0, description="Existing customers who order in the quarter / existing at its start."
    )
    aov_lift: Series[float] = pa.Field(
        ge=-1, description="Existing customers' AOV change on last quarter (0.15 = +15%)."
    )
    churn_recall_rate: Series[float] = pa.Field(
        ge=0, description="Recalled / churned customers at quarter start."
    )
    churn_window_days: Series[pd.Int64Dtype] = pa.Field(
        gt=0, description="Days without an order after which a customer counts as churned."
    )
    core_unit_growth: Series[float] = pa.Field(
        gt=-1, description="Growth of core units on last quarter (0.10 = +10%)."
    )
    new_product_aov: Series[float] = pa.Field(
        gt=0, lt=MONEY_LIMIT, description="Average revenue per new-product unit (money)."
    )
    sell_through_30d: Series[float] = pa.Field(
        ge=0, description="New products' first-30-days sales / stock received."
    )
    long_tail_inventory_reduction: Series[float] = pa.Field(
        ge=0, le=1, description="Fraction by which long-tail stock should shrink in the quarter."
    )

    class Config:
        strict = True
        coerce = True

    @pa.check("new_customer_aov", "new_product_aov", name="whole_cents")
    def whole_cents(cls, series: Series[float]) -> Series[bool]:
        return _whole_cents(series)


class Responsibilities(pa.DataFrameModel):
    """`responsibilities.csv`: cross-dimension slices owned by a group kind or a role."""

    from_quarter: Series[str] = _quarter("First quarter this set applies to.")
    responsibility: Series[str] = pa.Field(
        str_matches=SLUG_PATTERN, description="Slug naming the node responsibility/<slug>."
    )
    responsibility_name: Series[str] = pa.Field(
        str_length={"min_value": 1}, description="Name shown in reports."
    )
    source_node_id: Series[str] = pa.Field(
        isin=RESPONSIBILITY_SOURCES, description="Customer or product node the slice is cut from."
    )
    share: Series[float] = pa.Field(
        in_range={"min_value": 0, "max_value": 1}, description="Fraction of the source node."
    )
    owner_group_kind: Series[str] = pa.Field(
        nullable=True, isin=GROUP_KINDS, description="Groups of this kind own the slice."
    )
    owner_role: Series[str] = pa.Field(
        nullable=True, isin=REP_ROLES, description="Reps with this role own the slice."
    )

    class Config:
        strict = True
        coerce = True

    @pa.dataframe_check(name="exactly_one_owner")
    def exactly_one_owner(cls, frame: pd.DataFrame) -> Series[bool]:
        return _exactly_one(frame, "owner_group_kind", "owner_role")


class WarningLines(pa.DataFrameModel):
    """`warning_lines.csv`: weekly completion below which a node is flagged amber / red."""

    from_quarter: Series[str] = _quarter("First quarter these lines apply to.")
    metric: Series[str] = pa.Field(isin=WARNING_METRICS, description="Metric the lines apply to.")
    amber_below: Series[float] = pa.Field(
        gt=0, le=2, description="Amber when weekly completion is below this (0.80 = 80%)."
    )
    red_below: Series[float] = pa.Field(
        gt=0, le=2, description="Red when weekly completion is below this; under amber_below."
    )

    class Config:
        strict = True
        coerce = True

    @pa.dataframe_check(name="red_line_below_amber_line")
    def red_line_below_amber_line(cls, frame: pd.DataFrame) -> Series[bool]:
        return frame["red_below"] < frame["amber_below"]


class Holidays(pa.DataFrameModel):
    """`holidays.csv`: days that are not working days (no expected progress)."""

    holiday_date: Series[pa.DateTime] = pa.Field(description="The day off.")
    holiday_name: Series[str] = pa.Field(nullable=True, description="Name shown in reports.")

    class Config:
        strict = True
        coerce = True


class WeeklyPhasing(pa.DataFrameModel):
    """`weekly_phasing.csv`: optional relative weight of a week (unlisted weeks weigh 1)."""

    quarter: Series[str] = _quarter("The quarter.")
    week_number: Series[pd.Int64Dtype] = pa.Field(
        in_range={"min_value": 1, "max_value": MAX_WEEKS_IN_QUARTER},
        description="Week of the quarter; week 1 contains the quarter's first day (Monday weeks).",
    )
    weight: Series[float] = pa.Field(gt=0, description="Relative weight of the week.")
    reason: Series[str] = pa.Field(nullable=True, description="Why (for reviewers).")

    class Config:
        strict = True
        coerce = True


class PlanRevisions(pa.DataFrameModel):
    """`plan_revisions.csv`: approved changes of a node's target from an effective date."""

    quarter: Series[str] = _quarter("The quarter whose target changes.")
    node_id: Series[str] = pa.Field(str_length={"min_value": 1}, description="Node path.")
    metric: Series[str] = pa.Field(isin=TREE_METRICS, description="Metric of the node.")
    new_value: Series[float] = pa.Field(
        ge=0, lt=MONEY_LIMIT, description="The target from the effective date on."
    )
    effective_date: Series[pa.DateTime] = pa.Field(
        description="First day the new value applies (inside the quarter)."
    )
    reason: Series[str] = pa.Field(str_length={"min_value": 1}, description="Why (required).")
    approved_by: Series[str] = pa.Field(
        str_length={"min_value": 1}, description="Who approved it (required)."
    )

    class Config:
        strict = True
        coerce = True


# File name (without .csv) -> its contract. Every file must exist; a header-only file is
# an empty (but valid) part of the plan.
PLAN_FILE_CONTRACTS: dict[str, type[pa.DataFrameModel]] = {
    "quarter_totals": QuarterTotals,
    "dimension_shares": DimensionShares,
    "group_kind_weights": GroupKindWeights,
    "group_allocation": GroupAllocation,
    "role_weights": RoleWeights,
    "rep_overrides": RepOverrides,
    "kpi_targets": KpiTargets,
    "responsibilities": Responsibilities,
    "warning_lines": WarningLines,
    "holidays": Holidays,
    "weekly_phasing": WeeklyPhasing,
    "plan_revisions": PlanRevisions,
}


# --- Execution and incentives: action plans, resources, commissions, bonuses, awards.

# What an action's KPI counts (docs/plan.md, `actions.csv`); the first two need a lead source.
ACTION_KPIS = ["leads", "new_customers", "repurchase_rate", "aov_lift", "churn_recall_rate"]
LEAD_SOURCE_KPIS = ["leads", "new_customers"]
RESOURCE_KINDS = ["people", "budget"]
CUSTOMER_TYPES = list(DIMENSION_SEGMENTS["customer"])
PRODUCT_TIERS = list(DIMENSION_SEGMENTS["product"])
AWARD_METRICS = [
    "new_customers",
    "repurchasing_customers",
    "new_customer_revenue",
    "existing_customer_revenue",
]


class Actions(pa.DataFrameModel):
    """`actions.csv`: the quarter's action plans (who does what, when, with which budget)."""

    quarter: Series[str] = _quarter("The quarter the action belongs to.")
    action_id: Series[str] = pa.Field(
        str_matches=SLUG_PATTERN, description="Slug naming the action within its quarter."
    )
    action_name: Series[str] = pa.Field(
        str_length={"min_value": 1}, description="Name shown in reports."
    )
    owner: Series[str] = pa.Field(
        str_length={"min_value": 1}, description="Who is responsible (department, group or rep)."
    )
    start_date: Series[pa.DateTime] = pa.Field(description="First day of the action's window.")
    end_date: Series[pa.DateTime] = pa.Field(description="Last day of the window (inclusive).")
    budget: Series[float] = pa.Field(
        nullable=True, ge=0, lt=MONEY_LIMIT, description="Budget in money; blank = no budget."
    )
    budget_line: Series[str] = pa.Field(
        nullable=True,
        str_matches=SLUG_PATTERN,
        description="Budget line of resources.csv (same quarter) the budget comes from.",
    )
    kpi: Series[str] = pa.Field(isin=ACTION_KPIS, description="What the action's KPI counts.")
    kpi_target: Series[float] = pa.Field(gt=0, description="KPI target (a count or a rate).")
    lead_source: Series[str] = pa.Field(
        nullable=True, description="CRM lead source the KPI counts (leads, new_customers)."
    )
    campaign_id: Series[str] = pa.Field(
        nullable=True, description="CRM campaign whose spend is the action's spend."
    )
    note: Series[str] = pa.Field(nullable=True, description="Free text for reviewers.")

    class Config:
        strict = True
        coerce = True

    @pa.check("budget", name="whole_cents")
    def whole_cents(cls, series: Series[float]) -> Series[bool]:
        return _whole_cents(series)

    @pa.dataframe_check(name="window_ends_before_it_starts")
    def window_ends_before_it_starts(cls, frame: pd.DataFrame) -> Series[bool]:
        return frame["start_date"] <= frame["end_date"]

    @pa.dataframe_check(name="lead_source_required")
    def lead_source_required(cls, frame: pd.DataFrame) -> Series[bool]:
        return ~frame["kpi"].isin(LEAD_SOURCE_KPIS) | frame["lead_source"].notna()


class Resources(pa.DataFrameModel):
    """`resources.csv`: people added to groups and budget lines of the marketing budget."""

    quarter: Series[str] = _quarter("The quarter the resource is for.")
    resource_kind: Series[str] = pa.Field(isin=RESOURCE_KINDS, description="people or budget.")
    resource_id: Series[str] = pa.Field(
        str_matches=SLUG_PATTERN, description="Slug naming the resource (a budget line's name)."
    )
    group_id: Series[str] = pa.Field(
        nullable=True, description="people: the CRM group that gets the people."
    )
    people_added: Series[pd.Int64Dtype] = pa.Field(
        nullable=True, gt=0, description="people: how many people are added."
    )
    budget: Series[float] = pa.Field(
        nullable=True, ge=0, lt=MONEY_LIMIT, description="budget: the line's amount (money)."
    )
    marketing_budget_share: Series[float] = pa.Field(
        nullable=True,
        in_range={"min_value": 0, "max_value": 1},
        description="budget: the line's share of the quarter's marketing budget.",
    )
    note: Series[str] = pa.Field(nullable=True, description="Free text for reviewers.")

    class Config:
        strict = True
        coerce = True

    @pa.check("budget", name="whole_cents")
    def whole_cents(cls, series: Series[float]) -> Series[bool]:
        return _whole_cents(series)

    @pa.dataframe_check(name="columns_of_the_resource_kind")
    def columns_of_the_resource_kind(cls, frame: pd.DataFrame) -> Series[bool]:
        has_people = frame["group_id"].notna(), frame["people_added"].notna()
        has_budget = frame["budget"].notna(), frame["marketing_budget_share"].notna()
        is_people = frame["resource_kind"] == "people"
        people_only = has_people[0] & has_people[1] & ~has_budget[0] & ~has_budget[1]
        budget_only = has_budget[0] & has_budget[1] & ~has_people[0] & ~has_people[1]
        return (is_people & people_only) | (~is_people & budget_only)


class CommissionRates(pa.DataFrameModel):
    """`commission_rates.csv`: the combined commission matrix customer type x product tier."""

    from_quarter: Series[str] = _quarter("First quarter this matrix applies to.")
    customer_type: Series[str] = pa.Field(
        isin=CUSTOMER_TYPES, description="new or existing (recalled customers are existing)."
    )
    product_tier: Series[str] = pa.Field(isin=PRODUCT_TIERS, description="Product tier.")
    rate: Series[float] = pa.Field(
        in_range={"min_value": 0, "max_value": 1},
        description="Commission on a line's net amount (0.03 = 3%).",
    )
    note: Series[str] = pa.Field(nullable=True, description="How the rate was combined.")

    class Config:
        strict = True
        coerce = True


class BonusTiers(pa.DataFrameModel):
    """`bonus_tiers.csv`: bonus (x monthly salary) by quarterly attainment, and promotion."""

    from_quarter: Series[str] = _quarter("First quarter these tiers apply to.")
    tier: Series[str] = pa.Field(str_matches=SLUG_PATTERN, description="Slug naming the tier.")
    min_attainment: Series[float] = pa.Field(
        gt=0, le=10, description="Lowest attainment (revenue / target) of the tier; 1.00 = 100%."
    )
    salary_multiple: Series[float] = pa.Field(
        ge=0, le=100, description="Bonus as a multiple of the monthly salary (0.10 = 10%)."
    )
    promotion_quarters: Series[pd.Int64Dtype] = pa.Field(
        nullable=True,
        in_range={"min_value": 1, "max_value": 2},
        description="1 or 2: consecutive quarters at this tier or higher that make a rep "
        "promotable (the handbook: two quarters at 120%).",
    )

    class Config:
        strict = True
        coerce = True


class Awards(pa.DataFrameModel):
    """`awards.csv`: special awards to the quarter's best rep by a metric (ties split)."""

    from_quarter: Series[str] = _quarter("First quarter this award is given.")
    award: Series[str] = pa.Field(str_matches=SLUG_PATTERN, description="Slug naming the award.")
    award_name: Series[str] = pa.Field(
        str_length={"min_value": 1}, description="Name shown in reports."
    )
    metric: Series[str] = pa.Field(isin=AWARD_METRICS, description="What the champion leads.")
    amount: Series[float] = pa.Field(
        gt=0, lt=MONEY_LIMIT, description="Award in money; tied champions split it equally."
    )

    class Config:
        strict = True
        coerce = True

    @pa.check("amount", name="whole_cents")
    def whole_cents(cls, series: Series[float]) -> Series[bool]:
        return _whole_cents(series)


PLAN_FILE_CONTRACTS.update(
    {
        "actions": Actions,
        "resources": Resources,
        "commission_rates": CommissionRates,
        "bonus_tiers": BonusTiers,
        "awards": Awards,
    }
)
