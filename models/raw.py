"""Raw contracts: what a source row must look like to enter `raw.<table>`.

One `DataFrameModel` per source table in `orchestration/ingest/source_tables.py`, with the
types of `orchestration/ingest/raw_layout.py` (text -> str, BIGINT -> Int64, DECIMAL(18,2)
-> float64 stored back as DECIMAL, DATE -> date, TIMESTAMP -> datetime64). The optional
`_batch_id` / `_loaded_at` fields let the same contract validate a chunk before loading
and the raw table after it.

Which rule catches which dirty row (rule names as they appear in `raw.quarantine.rule`):

- null or empty business key, missing foreign key, enum or amount -> `not_null`,
  `str_length(1, None)` (an empty id string is no id either).
- text in a numeric or date column ('twelve' in quantity, 'n/a' in unit_price,
  '2025-02-30' in order_date) -> `type:integer`, `type:decimal`, `type:date`,
  `type:timestamp`. These are found by the loader's type parsing, which reads the
  column types from these contracts, before pandera coerces.
- negative quantity, price, amount, budget, salary or stock -> `greater_than_or_equal_to(0)`;
  an amount too large for DECIMAL(18,2) -> `less_than(1e+16)`.
- a value outside its allowed set (tier, group kind, role, lead source, order status,
  currency 'CNY') -> `isin([...])`.
- an absurd date: before `EARLIEST_EVENT` (or `EARLIEST_PERSON_DATE` for hire dates and
  customer creation) -> `greater_than_or_equal_to(...)`; more than a year ahead (order
  date in 2099) -> `not_after_one_year_from_today`.
- rows whose columns contradict each other -> `net_amount_matches_line`,
  `valid_to_after_valid_from`, `end_date_not_before_start_date`,
  `converted_at_not_before_created_at` (see `ROW_RULE_COLUMNS`).

Two rules need more than one frame, so the loader applies them, not these contracts:
a second row with the same business key and `updated_at` in one batch -> `duplicate_key`
(keys: `SOURCE_TABLES`); a foreign key whose parent is not in `raw.<parent>` ->
`unknown_<column>` (e.g. `unknown_product_id`).
"""

import datetime as dt
from typing import Optional

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

# Transactions, campaigns and change stamps before this are typos (0201, 1900 defaults).
EARLIEST_EVENT = pd.Timestamp("2000-01-01")
# People and accounts can predate the systems: long-tenured reps, old customers.
EARLIEST_PERSON_DATE = pd.Timestamp("1970-01-01")
# Planned dates (campaign end, assignment end) may lie ahead, but not by more than a year.
FUTURE_HORIZON_DAYS = 366
# DECIMAL(18,2) holds at most 16 digits before the point.
MONEY_LIMIT = 1e16

REGION_TIERS = ["tier1", "tier2", "tier3_4", "channel"]
CITY_TIERS = ["tier1", "tier2", "tier3_4"]
GROUP_KINDS = ["star", "normal", "newcomer", "new_product_squad"]
REP_ROLES = ["sales", "top_sales", "newcomer", "customer_success", "channel_manager"]
LEAD_SOURCES = ["online_ads", "trade_show", "channel_partner", "referral", "website"]
PRODUCT_TIERS = ["core", "new", "long_tail"]
ORDER_STATUSES = ["completed", "cancelled", "refunded"]
CURRENCIES = ["CNY"]

# Row rules span several columns: the column a quarantine row names, then the columns
# whose values are shown as its bad_value.
ROW_RULE_COLUMNS: dict[str, tuple[str, tuple[str, ...]]] = {
    "net_amount_matches_line": (
        "net_amount",
        ("quantity", "unit_price", "discount", "net_amount"),
    ),
    "valid_to_after_valid_from": ("valid_to", ("valid_from", "valid_to")),
    "end_date_not_before_start_date": ("end_date", ("start_date", "end_date")),
    "converted_at_not_before_created_at": ("converted_at", ("created_at", "converted_at")),
}
# A cent of tolerance: quantity * unit_price - discount rounded to cents at the source.
NET_AMOUNT_TOLERANCE = 0.01 + 1e-9


def _id(description: str, nullable: bool = False) -> pa.Field:
    return pa.Field(nullable=nullable, str_length={"min_value": 1}, description=description)


def _text(description: str) -> pa.Field:
    return pa.Field(nullable=True, description=description)


def _choice(allowed: list[str], description: str) -> pa.Field:
    return pa.Field(isin=allowed, description=description)


def _count(description: str) -> pa.Field:
    return pa.Field(ge=0, description=description)


def _money(description: str) -> pa.Field:
    return pa.Field(ge=0, lt=MONEY_LIMIT, description=description)


def _date(
    description: str, earliest: pd.Timestamp = EARLIEST_EVENT, nullable: bool = False
) -> pa.Field:
    return pa.Field(ge=earliest.date(), nullable=nullable, description=description)


def _timestamp(description: str, nullable: bool = False) -> pa.Field:
    return pa.Field(ge=EARLIEST_EVENT, nullable=nullable, description=description)


def _updated_at() -> pa.Field:
    return _timestamp("when the source last changed the row; drives incremental extraction")


def _unless_missing(frame: pd.DataFrame, rule: str, holds: pd.Series) -> pd.Series:
    """A row rule passes where a value it compares is missing: `not_null` reports that."""
    missing = frame[list(ROW_RULE_COLUMNS[rule][1])].isna().any(axis=1)
    return missing | holds.astype("boolean").fillna(False).astype(bool)


def future_horizon(today: dt.date | None = None) -> pd.Timestamp:
    """The latest acceptable date or timestamp: a year from today (evaluated per validation)."""
    return pd.Timestamp(today or dt.date.today()) + pd.Timedelta(days=FUTURE_HORIZON_DAYS)


class RawContract(pa.DataFrameModel):
    """Shared config and rules of every raw contract."""

    batch_id: Optional[Series[str]] = pa.Field(  # noqa: UP045 - pandera reads Optional
        alias="_batch_id", nullable=True, description="load batch that wrote the row (raw table)"
    )
    loaded_at: Optional[Series[pa.typing.DateTime]] = pa.Field(  # noqa: UP045
        alias="_loaded_at", nullable=True, description="when the row was written (raw table)"
    )

    class Config:
        strict = True
        coerce = True

    # Every date or timestamp column is named *_date, *_at, valid_from or valid_to.
    @pa.check(
        r"^(.*_date|.*_at|valid_from|valid_to)$",
        regex=True,
        name="not_after_one_year_from_today",
    )
    @classmethod
    def not_after_one_year_from_today(cls, values: pd.Series) -> pd.Series:
        return pd.to_datetime(values) <= future_horizon()


# ---------------------------------------------------------------- CRM
class Regions(RawContract):
    """A sales region; region_id is the tier it covers."""

    region_id: Series[str] = _id("region key, e.g. tier1")
    region_name: Series[str] = _text("display name of the region")
    tier: Series[str] = _choice(REGION_TIERS, "city tier or channel the region covers")
    updated_at: Series[pa.typing.DateTime] = _updated_at()


class SalesGroups(RawContract):
    """A sales group inside a region."""

    group_id: Series[str] = _id("group key, e.g. g-star-01")
    group_name: Series[str] = _text("display name of the group")
    region_id: Series[str] = _id("region the group belongs to (raw.regions)")
    group_kind: Series[str] = _choice(GROUP_KINDS, "star, normal, newcomer or new-product squad")
    lead_rep_id: Series[str] = _id("rep leading the group (raw.reps); may be empty", True)
    updated_at: Series[pa.typing.DateTime] = _updated_at()


class Reps(RawContract):
    """A sales rep."""

    rep_id: Series[str] = _id("rep key, e.g. rep-017")
    rep_name: Series[str] = _text("rep display name")
    email: Series[str] = _text("work email (personal data)")
    role: Series[str] = _choice(REP_ROLES, "sales, top_sales, newcomer, customer_success, ...")
    hire_date: Series[pa.typing.Date] = _date("first working day", EARLIEST_PERSON_DATE)
    monthly_salary: Series[float] = _money("monthly base salary in CNY (bonus base)")
    updated_at: Series[pa.typing.DateTime] = _updated_at()


class RepAssignments(RawContract):
    """A rep's membership of a group over [valid_from, valid_to)."""

    assignment_id: Series[pd.Int64Dtype] = pa.Field(description="assignment key")
    rep_id: Series[str] = _id("assigned rep (raw.reps)")
    group_id: Series[str] = _id("group joined (raw.sales_groups)")
    valid_from: Series[pa.typing.Date] = _date("first day in the group")
    valid_to: Series[pa.typing.Date] = _date(
        "first day no longer in the group; null while current", nullable=True
    )
    updated_at: Series[pa.typing.DateTime] = _updated_at()

    @pa.dataframe_check(name="valid_to_after_valid_from")
    @classmethod
    def valid_to_after_valid_from(cls, frame: pd.DataFrame) -> pd.Series:
        holds = pd.to_datetime(frame["valid_to"]) > pd.to_datetime(frame["valid_from"])
        return _unless_missing(frame, "valid_to_after_valid_from", holds)


class Customers(RawContract):
    """A customer account; names, emails and phones are personal data."""

    customer_id: Series[str] = _id("customer key, e.g. c-000123")
    customer_name: Series[str] = _text("customer name (personal data)")
    email: Series[str] = _text("customer email (personal data)")
    phone: Series[str] = _text("customer phone (personal data)")
    city_tier: Series[str] = _choice(CITY_TIERS, "tier of the customer's city")
    region_id: Series[str] = _id("region serving the customer (raw.regions)")
    owner_rep_id: Series[str] = _id("rep owning the account (raw.reps); may be empty", True)
    created_at: Series[pa.typing.DateTime] = pa.Field(
        ge=EARLIEST_PERSON_DATE, description="when the account was created"
    )
    updated_at: Series[pa.typing.DateTime] = _updated_at()


class Campaigns(RawContract):
    """A marketing campaign that produces leads of one source."""

    campaign_id: Series[str] = _id("campaign key")
    campaign_name: Series[str] = _text("display name of the campaign")
    source: Series[str] = _choice(LEAD_SOURCES, "lead source the campaign produces")
    start_date: Series[pa.typing.Date] = _date("first day of the campaign")
    end_date: Series[pa.typing.Date] = _date("last day of the campaign (inclusive)")
    budget: Series[float] = _money("planned spend in CNY")
    updated_at: Series[pa.typing.DateTime] = _updated_at()

    @pa.dataframe_check(name="end_date_not_before_start_date")
    @classmethod
    def end_date_not_before_start_date(cls, frame: pd.DataFrame) -> pd.Series:
        holds = pd.to_datetime(frame["end_date"]) >= pd.to_datetime(frame["start_date"])
        return _unless_missing(frame, "end_date_not_before_start_date", holds)


class CampaignSpend(RawContract):
    """Money a campaign spent on one day."""

    campaign_id: Series[str] = _id("campaign that spent (raw.campaigns)")
    spend_date: Series[pa.typing.Date] = _date("day of the spend")
    amount: Series[float] = _money("spend in CNY")
    updated_at: Series[pa.typing.DateTime] = _updated_at()


class Leads(RawContract):
    """A sales lead, and the customer it became once converted."""

    lead_id: Series[pd.Int64Dtype] = pa.Field(description="lead key")
    source: Series[str] = _choice(LEAD_SOURCES, "where the lead came from")
    campaign_id: Series[str] = _id("campaign that produced it (raw.campaigns); may be empty", True)
    rep_id: Series[str] = _id("rep working the lead (raw.reps); may be empty", True)
    created_at: Series[pa.typing.DateTime] = _timestamp("when the lead was created")
    converted_at: Series[pa.typing.DateTime] = _timestamp("when it became a customer", True)
    customer_id: Series[str] = _id("customer it became (raw.customers); may be empty", True)
    updated_at: Series[pa.typing.DateTime] = _updated_at()

    @pa.dataframe_check(name="converted_at_not_before_created_at")
    @classmethod
    def converted_at_not_before_created_at(cls, frame: pd.DataFrame) -> pd.Series:
        holds = frame["converted_at"] >= frame["created_at"]
        return _unless_missing(frame, "converted_at_not_before_created_at", holds)


# ---------------------------------------------------------------- order system
class Products(RawContract):
    """A product and its tier in the product master."""

    product_id: Series[str] = _id("product key, e.g. p-0001")
    product_name: Series[str] = _text("display name of the product")
    tier: Series[str] = _choice(PRODUCT_TIERS, "core, new or long_tail")
    launch_date: Series[pa.typing.Date] = _date("first day on sale")
    list_price: Series[float] = _money("list price in CNY")
    updated_at: Series[pa.typing.DateTime] = _updated_at()


class Orders(RawContract):
    """An order header; its status may change later (cancelled, refunded)."""

    order_id: Series[pd.Int64Dtype] = pa.Field(description="order key")
    customer_id: Series[str] = _id("ordering customer (raw.customers)")
    rep_id: Series[str] = _id("rep credited with the order (raw.reps)")
    order_date: Series[pa.typing.Date] = _date("day the order was placed")
    status: Series[str] = _choice(ORDER_STATUSES, "completed, cancelled or refunded")
    currency: Series[str] = _choice(CURRENCIES, "order currency; only CNY is supported")
    updated_at: Series[pa.typing.DateTime] = _updated_at()


class OrderLines(RawContract):
    """One product on an order; net_amount = quantity * unit_price - discount."""

    order_line_id: Series[pd.Int64Dtype] = pa.Field(description="order line key")
    order_id: Series[pd.Int64Dtype] = pa.Field(description="order of the line (raw.orders)")
    product_id: Series[str] = _id("product sold (raw.products)")
    quantity: Series[pd.Int64Dtype] = _count("units sold")
    unit_price: Series[float] = _money("price per unit in CNY")
    discount: Series[float] = _money("money off the line in CNY (not a rate)")
    net_amount: Series[float] = _money("line revenue in CNY after discount")
    updated_at: Series[pa.typing.DateTime] = _updated_at()

    @pa.dataframe_check(name="net_amount_matches_line")
    @classmethod
    def net_amount_matches_line(cls, frame: pd.DataFrame) -> pd.Series:
        expected = frame["quantity"].astype("float64") * frame["unit_price"] - frame["discount"]
        holds = (frame["net_amount"] - expected).abs() <= NET_AMOUNT_TOLERANCE
        return _unless_missing(frame, "net_amount_matches_line", holds)


class InventorySnapshots(RawContract):
    """A product's stock at the end of a day."""

    product_id: Series[str] = _id("product counted (raw.products)")
    snapshot_date: Series[pa.typing.Date] = _date("day of the count")
    units_on_hand: Series[pd.Int64Dtype] = _count("units in stock at the end of the day")
    units_received: Series[pd.Int64Dtype] = _count("units received that day")
    updated_at: Series[pa.typing.DateTime] = _updated_at()


RAW_CONTRACTS: dict[str, type[RawContract]] = {
    "regions": Regions,
    "sales_groups": SalesGroups,
    "reps": Reps,
    "rep_assignments": RepAssignments,
    "customers": Customers,
    "campaigns": Campaigns,
    "campaign_spend": CampaignSpend,
    "leads": Leads,
    "products": Products,
    "orders": Orders,
    "order_lines": OrderLines,
    "inventory_snapshots": InventorySnapshots,
}
