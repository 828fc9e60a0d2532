"""Contracts of the plan files that set the target tree: totals, shares, allocation weights,
KPI targets, responsibilities, warning lines, the working-day calendar and revisions."""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from models.plan.vocabulary import (
    DIMENSION_SEGMENTS,
    MONEY_LIMIT,
    REP_ROLES,
    RESPONSIBILITY_SOURCES,
    SLUG_PATTERN,
    TREE_METRICS,
    WARNING_METRICS,
    exactly_one_of,
    is_whole_cents,
    quarter_field,
    segment_is_valid,
)


class QuarterTotals(pa.DataFrameModel):
    """`quarter_totals.csv`: one row per planned quarter and how its total is set."""

    quarter: Series[str] = quarter_field("The planned quarter, written YYYYQn (2026Q3).")
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
        return is_whole_cents(series)

    @pa.dataframe_check(name="exactly_one_total_method")
    def exactly_one_total_method(cls, frame: pd.DataFrame) -> Series[bool]:
        return exactly_one_of(frame, "revenue_target", "revenue_growth")


class DimensionShares(pa.DataFrameModel):
    """`dimension_shares.csv`: how the quarter total splits along each dimension."""

    from_quarter: Series[str] = quarter_field("First quarter this set of shares applies to.")
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
                segment_is_valid(dimension, segment)
                for dimension, segment in zip(frame["dimension"], frame["segment"], strict=True)
            ],
            index=frame.index,
        )


class GroupKindWeights(pa.DataFrameModel):
    """`group_kind_weights.csv`: default weight of a group by its kind (star carries +15%)."""

    from_quarter: Series[str] = quarter_field("First quarter this set of weights applies to.")
    group_kind: Series[str] = pa.Field(
        str_matches=SLUG_PATTERN, description="Group kind (group_kinds.csv, else the CRM's)."
    )
    weight: Series[float] = pa.Field(gt=0, description="Relative weight (normal = 1.00).")

    class Config:
        strict = True
        coerce = True


class GroupAllocation(pa.DataFrameModel):
    """`group_allocation.csv`: groups with an explicit share of their region, or own weight."""

    from_quarter: Series[str] = quarter_field("First quarter this set applies to.")
    region_tier: Series[str] = pa.Field(
        str_matches=SLUG_PATTERN, description="The group's region tier (a team segment)."
    )
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
        return exactly_one_of(frame, "share", "weight")


class RoleWeights(pa.DataFrameModel):
    """`role_weights.csv`: default weight of a rep by role (top sales +40% on a newcomer)."""

    from_quarter: Series[str] = quarter_field("First quarter this set of weights applies to.")
    role: Series[str] = pa.Field(isin=REP_ROLES, description="Rep role in the CRM.")
    weight: Series[float] = pa.Field(gt=0, description="Relative weight (newcomer = 1.00).")

    class Config:
        strict = True
        coerce = True


class RepOverrides(pa.DataFrameModel):
    """`rep_overrides.csv`: a rep with an explicit share of the group, or an own weight."""

    from_quarter: Series[str] = quarter_field("First quarter this set applies to.")
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
        return exactly_one_of(frame, "share", "weight")


class KpiTargets(pa.DataFrameModel):
    """`kpi_targets.csv`: one row per set of KPI targets and method parameters."""

    from_quarter: Series[str] = quarter_field("First quarter these targets apply to.")
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
        return is_whole_cents(series)


class Responsibilities(pa.DataFrameModel):
    """`responsibilities.csv`: cross-dimension slices owned by a group kind or a role."""

    from_quarter: Series[str] = quarter_field("First quarter this set applies to.")
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
        nullable=True, str_matches=SLUG_PATTERN, description="Groups of this kind own the slice."
    )
    owner_role: Series[str] = pa.Field(
        nullable=True, isin=REP_ROLES, description="Reps with this role own the slice."
    )

    class Config:
        strict = True
        coerce = True

    @pa.dataframe_check(name="exactly_one_owner")
    def exactly_one_owner(cls, frame: pd.DataFrame) -> Series[bool]:
        return exactly_one_of(frame, "owner_group_kind", "owner_role")


class WarningLines(pa.DataFrameModel):
    """`warning_lines.csv`: weekly completion below which a node is flagged amber / red."""

    from_quarter: Series[str] = quarter_field("First quarter these lines apply to.")
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


class PlanRevisions(pa.DataFrameModel):
    """`plan_revisions.csv`: approved changes of a node's target from an effective date."""

    quarter: Series[str] = quarter_field("The quarter whose target changes.")
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


class RegionTiers(pa.DataFrameModel):
    """`region_tiers.csv`: the tier (team segment) each CRM region counts in; a region not
    listed keeps the CRM's tier."""

    region_id: Series[str] = pa.Field(str_length={"min_value": 1}, description="CRM region id.")
    tier: Series[str] = pa.Field(
        str_matches=SLUG_PATTERN, description="Team segment the region's groups count in."
    )
    note: Series[str] = pa.Field(nullable=True, description="Why (for reviewers).")

    class Config:
        strict = True
        coerce = True


class GroupKinds(pa.DataFrameModel):
    """`group_kinds.csv`: the kind of each CRM sales group (its default weight and the
    responsibilities it owns); a group not listed keeps the CRM's kind."""

    group_id: Series[str] = pa.Field(str_length={"min_value": 1}, description="CRM group id.")
    group_kind: Series[str] = pa.Field(
        str_matches=SLUG_PATTERN, description="Kind: star, normal, newcomer, ... (any name)."
    )
    note: Series[str] = pa.Field(nullable=True, description="Why (for reviewers).")

    class Config:
        strict = True
        coerce = True
