# Longer than 300 lines: twelve staging contracts; the registry takes them next, as it took raw.
"""Staging contracts: what a `staging.stg_<source>__<entities>` view must hold.

Staging keeps the latest version of each source key, renamed and cast, so every view has a
unique key (`Config.unique`, checked in SQL across chunks by the contract checks), the
types dbt casts to, the allowed values of the source and the row rules raw ingestion
already enforces (a row that breaks one here got past quarantine). DECIMAL columns are
read as float64 (the reader casts them), DATE as date, TIMESTAMP as datetime64.
"""

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from models.raw import (
    CITY_TIERS,
    CURRENCIES,
    GROUP_KINDS,
    LEAD_SOURCES,
    NET_AMOUNT_TOLERANCE,
    ORDER_STATUSES,
    PRODUCT_TIERS,
    REGION_TIERS,
    REP_ROLES,
)


def _key(description: str) -> pa.Field:
    return pa.Field(str_length={"min_value": 1}, description=description)


def _reference(description: str, nullable: bool = False) -> pa.Field:
    return pa.Field(nullable=nullable, str_length={"min_value": 1}, description=description)


def _text(description: str) -> pa.Field:
    return pa.Field(nullable=True, description=description)


def _choice(allowed: list[str], description: str) -> pa.Field:
    return pa.Field(isin=allowed, description=description)


def _amount(description: str) -> pa.Field:
    return pa.Field(ge=0, description=description)


def _required(description: str) -> pa.Field:
    return pa.Field(description=description)


def _stamp(description: str, nullable: bool = False) -> pa.Field:
    return pa.Field(nullable=nullable, description=description)


def _holds_unless_missing(frame: pd.DataFrame, columns: list[str], holds: pd.Series) -> pd.Series:
    """A row rule passes where a value it compares is missing (nullability reports that)."""
    missing = frame[columns].isna().any(axis=1)
    return missing | holds.astype("boolean").fillna(False).astype(bool)


class StagingContract(pa.DataFrameModel):
    """Shared config: exact columns, values coerced to the contract's types."""

    updated_at: Series[pa.typing.DateTime] = _stamp("when the source last changed the version kept")
    loaded_at: Series[pa.typing.DateTime] = _stamp("when ingestion loaded the version kept")

    class Config:
        strict = True
        coerce = True


# ---------------------------------------------------------------- CRM
class Regions(StagingContract):
    """staging.stg_crm__regions: one row per region."""

    region_id: Series[str] = _key("region key, e.g. tier1")
    region_name: Series[str] = _text("display name of the region")
    tier: Series[str] = _choice(REGION_TIERS, "city tier or channel the region covers")

    class Config:
        unique = ["region_id"]


class SalesGroups(StagingContract):
    """staging.stg_crm__sales_groups: one row per group."""

    group_id: Series[str] = _key("group key, e.g. g-star-01")
    region_id: Series[str] = _reference("region the group belongs to")
    lead_rep_id: Series[str] = _reference("rep leading the group; null when none", True)
    group_name: Series[str] = _text("display name of the group")
    group_kind: Series[str] = _choice(GROUP_KINDS, "star, normal, newcomer or new-product squad")

    class Config:
        unique = ["group_id"]


class Reps(StagingContract):
    """staging.stg_crm__reps: one row per rep."""

    rep_id: Series[str] = _key("rep key, e.g. rep-017")
    rep_name: Series[str] = _text("rep display name")
    email: Series[str] = _text("work email (personal data, never published)")
    role: Series[str] = _choice(REP_ROLES, "sales, top_sales, newcomer, customer_success, ...")
    monthly_salary: Series[float] = _amount("monthly base salary in CNY (bonus base)")
    hire_date: Series[pa.typing.Date] = _required("first working day")

    class Config:
        unique = ["rep_id"]


class RepAssignments(StagingContract):
    """staging.stg_crm__rep_assignments: a rep's membership of a group over a date range."""

    assignment_id: Series[pd.Int64Dtype] = _required("assignment key")
    rep_id: Series[str] = _reference("assigned rep")
    group_id: Series[str] = _reference("group joined")
    valid_from: Series[pa.typing.Date] = _required("first day in the group")
    valid_to: Series[pa.typing.Date] = pa.Field(
        nullable=True, description="first day no longer in the group; null while current"
    )

    class Config:
        unique = ["assignment_id"]

    @pa.dataframe_check(name="valid_to_after_valid_from")
    @classmethod
    def valid_to_after_valid_from(cls, frame: pd.DataFrame) -> pd.Series:
        holds = pd.to_datetime(frame["valid_to"]) > pd.to_datetime(frame["valid_from"])
        return _holds_unless_missing(frame, ["valid_from", "valid_to"], holds)


class Customers(StagingContract):
    """staging.stg_crm__customers: one row per customer (names, emails, phones are personal)."""

    customer_id: Series[str] = _key("customer key, e.g. c-000123")
    region_id: Series[str] = _reference("region serving the customer")
    owner_rep_id: Series[str] = _reference("rep owning the account; null when none", True)
    customer_name: Series[str] = _text("customer name (personal data, never published)")
    email: Series[str] = _text("customer email (personal data, never published)")
    phone: Series[str] = _text("customer phone (personal data, never published)")
    city_tier: Series[str] = _choice(CITY_TIERS, "tier of the customer's city")
    created_at: Series[pa.typing.DateTime] = _stamp("when the account was created")

    class Config:
        unique = ["customer_id"]


class Campaigns(StagingContract):
    """staging.stg_crm__campaigns: one row per campaign."""

    campaign_id: Series[str] = _key("campaign key")
    campaign_name: Series[str] = _text("display name of the campaign")
    source: Series[str] = _choice(LEAD_SOURCES, "lead source the campaign produces")
    budget: Series[float] = _amount("planned spend in CNY")
    start_date: Series[pa.typing.Date] = _required("first day of the campaign")
    end_date: Series[pa.typing.Date] = _required("last day of the campaign (inclusive)")

    class Config:
        unique = ["campaign_id"]

    @pa.dataframe_check(name="end_date_not_before_start_date")
    @classmethod
    def end_date_not_before_start_date(cls, frame: pd.DataFrame) -> pd.Series:
        holds = pd.to_datetime(frame["end_date"]) >= pd.to_datetime(frame["start_date"])
        return _holds_unless_missing(frame, ["start_date", "end_date"], holds)


class CampaignSpend(StagingContract):
    """staging.stg_crm__campaign_spend: one row per campaign and day."""

    campaign_id: Series[str] = _reference("campaign that spent")
    amount: Series[float] = _amount("spend in CNY")
    spend_date: Series[pa.typing.Date] = _required("day of the spend")

    class Config:
        unique = ["campaign_id", "spend_date"]


class Leads(StagingContract):
    """staging.stg_crm__leads: one row per lead."""

    lead_id: Series[pd.Int64Dtype] = _required("lead key")
    campaign_id: Series[str] = _reference("campaign that produced it; null when none", True)
    rep_id: Series[str] = _reference("rep working the lead; null when none", True)
    customer_id: Series[str] = _reference("customer it became; null until converted", True)
    source: Series[str] = _choice(LEAD_SOURCES, "where the lead came from")
    is_converted: Series[bool] = _required("true once the lead became a customer")
    created_at: Series[pa.typing.DateTime] = _stamp("when the lead was created")
    converted_at: Series[pa.typing.DateTime] = _stamp("when it became a customer", True)

    class Config:
        unique = ["lead_id"]

    @pa.dataframe_check(name="is_converted_iff_converted_at")
    @classmethod
    def is_converted_iff_converted_at(cls, frame: pd.DataFrame) -> pd.Series:
        return frame["is_converted"].astype(bool) == frame["converted_at"].notna()


# ---------------------------------------------------------------- order system
class Products(StagingContract):
    """staging.stg_orders__products: one row per product."""

    product_id: Series[str] = _key("product key, e.g. p-0001")
    product_name: Series[str] = _text("display name of the product")
    tier: Series[str] = _choice(PRODUCT_TIERS, "product tier the target is decomposed by")
    list_price: Series[float] = _amount("list price per unit in CNY")
    launch_date: Series[pa.typing.Date] = _required("day the product went on sale")

    class Config:
        unique = ["product_id"]


class Orders(StagingContract):
    """staging.stg_orders__orders: one row per order, in its current status."""

    order_id: Series[pd.Int64Dtype] = _required("order key")
    customer_id: Series[str] = _reference("the customer who ordered")
    rep_id: Series[str] = _reference("the rep credited with the order; null when none", True)
    status: Series[str] = _choice(ORDER_STATUSES, "current status of the order")
    currency: Series[str] = _choice(CURRENCIES, "ISO 4217 code of the order's amounts")
    is_completed: Series[bool] = _required("status is completed (counts as revenue)")
    is_cancelled: Series[bool] = _required("status is cancelled")
    is_refunded: Series[bool] = _required("status is refunded")
    order_date: Series[pa.typing.Date] = _required("day the order was placed")

    class Config:
        unique = ["order_id"]

    @pa.dataframe_check(name="status_flags_match_status")
    @classmethod
    def status_flags_match_status(cls, frame: pd.DataFrame) -> pd.Series:
        status = frame["status"]
        return (
            (frame["is_completed"].astype(bool) == (status == "completed"))
            & (frame["is_cancelled"].astype(bool) == (status == "cancelled"))
            & (frame["is_refunded"].astype(bool) == (status == "refunded"))
        )


class OrderStatusChanges(StagingContract):
    """staging.stg_orders__order_status_changes: one row per order version."""

    order_id: Series[pd.Int64Dtype] = _required("the order this version belongs to")
    status: Series[str] = _choice(ORDER_STATUSES, "status from updated_at until superseded_at")
    is_completed: Series[bool] = _required("status of this version is completed")
    superseded_at: Series[pa.typing.DateTime] = _stamp(
        "when the next version was recorded; null for the current one", True
    )

    class Config:
        unique = ["order_id", "updated_at"]

    @pa.dataframe_check(name="superseded_after_updated")
    @classmethod
    def superseded_after_updated(cls, frame: pd.DataFrame) -> pd.Series:
        holds = frame["superseded_at"] > frame["updated_at"]
        return _holds_unless_missing(frame, ["superseded_at", "updated_at"], holds)


class OrderLines(StagingContract):
    """staging.stg_orders__order_lines: one row per order line."""

    order_line_id: Series[pd.Int64Dtype] = _required("order line key")
    order_id: Series[pd.Int64Dtype] = _required("the order the line belongs to")
    product_id: Series[str] = _reference("the product ordered")
    quantity: Series[pd.Int64Dtype] = pa.Field(ge=1, description="units ordered")
    unit_price: Series[float] = _amount("price per unit before discount, CNY")
    discount: Series[float] = _amount("money off the whole line, CNY")
    net_amount: Series[float] = _amount("quantity * unit_price - discount: the line's revenue")

    class Config:
        unique = ["order_line_id"]

    @pa.dataframe_check(name="net_amount_matches_line")
    @classmethod
    def net_amount_matches_line(cls, frame: pd.DataFrame) -> pd.Series:
        expected = frame["quantity"].astype(float) * frame["unit_price"] - frame["discount"]
        holds = (expected - frame["net_amount"]).abs() <= NET_AMOUNT_TOLERANCE
        return _holds_unless_missing(
            frame, ["quantity", "unit_price", "discount", "net_amount"], holds
        )


class InventorySnapshots(StagingContract):
    """staging.stg_orders__inventory_snapshots: one row per product and day."""

    product_id: Series[str] = _reference("the product counted")
    units_on_hand: Series[pd.Int64Dtype] = pa.Field(ge=0, description="units in stock")
    units_received: Series[pd.Int64Dtype] = pa.Field(ge=0, description="units received that day")
    snapshot_date: Series[pa.typing.Date] = _required("day of the count")

    class Config:
        unique = ["product_id", "snapshot_date"]


# Contract of each staging view, by relation name.
STAGING_CONTRACTS: dict[str, type[pa.DataFrameModel]] = {
    "staging.stg_crm__regions": Regions,
    "staging.stg_crm__sales_groups": SalesGroups,
    "staging.stg_crm__reps": Reps,
    "staging.stg_crm__rep_assignments": RepAssignments,
    "staging.stg_crm__customers": Customers,
    "staging.stg_crm__campaigns": Campaigns,
    "staging.stg_crm__campaign_spend": CampaignSpend,
    "staging.stg_crm__leads": Leads,
    "staging.stg_orders__products": Products,
    "staging.stg_orders__orders": Orders,
    "staging.stg_orders__order_status_changes": OrderStatusChanges,
    "staging.stg_orders__order_lines": OrderLines,
    "staging.stg_orders__inventory_snapshots": InventorySnapshots,
}
