"""Contracts of the plan files for execution and incentives: action plans, resources,
commission rates, bonus tiers and awards."""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from models.plan.vocabulary import (
    DIMENSION_SEGMENTS,
    MONEY_LIMIT,
    SLUG_PATTERN,
    is_whole_cents,
    quarter_field,
)

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

    quarter: Series[str] = quarter_field("The quarter the action belongs to.")
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
        return is_whole_cents(series)

    @pa.dataframe_check(name="window_ends_before_it_starts")
    def window_ends_before_it_starts(cls, frame: pd.DataFrame) -> Series[bool]:
        return frame["start_date"] <= frame["end_date"]

    @pa.dataframe_check(name="lead_source_required")
    def lead_source_required(cls, frame: pd.DataFrame) -> Series[bool]:
        return ~frame["kpi"].isin(LEAD_SOURCE_KPIS) | frame["lead_source"].notna()


class Resources(pa.DataFrameModel):
    """`resources.csv`: people added to groups and budget lines of the marketing budget."""

    quarter: Series[str] = quarter_field("The quarter the resource is for.")
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
        return is_whole_cents(series)

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

    from_quarter: Series[str] = quarter_field("First quarter this matrix applies to.")
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

    from_quarter: Series[str] = quarter_field("First quarter these tiers apply to.")
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

    from_quarter: Series[str] = quarter_field("First quarter this award is given.")
    award: Series[str] = pa.Field(str_matches=SLUG_PATTERN, description="Slug naming the award.")
    award_name: Series[str] = pa.Field(
        str_length={"min_value": 1}, description="Name shown in reports."
    )
    metric: Series[str] = pa.Field(isin=AWARD_METRICS, description="What the champion leads.")
    amount: Series[float] = pa.Field(
        gt=0, lt=MONEY_LIMIT, description="Award in money; tied champions split it equally."
    )
