"""Value sets, limits and column kinds of the source tables (CRM and order system).

Each kind states once what a value of it may be: an id is a non-empty VARCHAR(32), money
a DECIMAL(18,2) in [0, 1e16), an event date lies after `EARLIEST_EVENT`.
"""

import pandas as pd

from models.registry.schema import Column

# Transactions, campaigns and change stamps before this are typos (0201, 1900 defaults).
EARLIEST_EVENT = pd.Timestamp("2000-01-01")
# People and accounts can predate the systems: long-tenured reps, old customers.
EARLIEST_PERSON_DATE = pd.Timestamp("1970-01-01")
# Planned dates (campaign end, assignment end) may lie ahead, but not by more than a year.
FUTURE_HORIZON_DAYS = 366
# DECIMAL(18,2) holds at most 16 digits before the point.
MONEY_LIMIT = 1e16

CITY_TIERS = ["tier1", "tier2", "tier3_4"]
REP_ROLES = ["sales", "top_sales", "newcomer", "customer_success", "channel_manager"]
LEAD_SOURCES = ["online_ads", "trade_show", "channel_partner", "referral", "website"]
PRODUCT_TIERS = ["core", "new", "long_tail"]
ORDER_STATUSES = ["completed", "cancelled", "refunded"]
CURRENCIES = ["CNY"]


def key_id(name: str, description: str, nullable: bool = False) -> Column:
    """An id: a non-empty string (an empty id string is no id either)."""
    return Column(name, "varchar", description, nullable=nullable, length=32, min_length=1)


def text(name: str, description: str, length: int, personal_data: bool = False) -> Column:
    return Column(
        name, "varchar", description, nullable=True, length=length, personal_data=personal_data
    )


def choice(name: str, allowed: list[str], description: str, length: int = 32) -> Column:
    return Column(name, "varchar", description, isin=tuple(allowed), length=length)


def count(name: str, description: str) -> Column:
    return Column(name, "bigint", description, ge=0)


def money(name: str, description: str) -> Column:
    return Column(name, "decimal(18,2)", description, ge=0, lt=MONEY_LIMIT)


def event_date(
    name: str, description: str, earliest: pd.Timestamp = EARLIEST_EVENT, nullable: bool = False
) -> Column:
    return Column(name, "date", description, ge=earliest.date(), nullable=nullable)


def timestamp(
    name: str, description: str, earliest: pd.Timestamp = EARLIEST_EVENT, nullable: bool = False
) -> Column:
    return Column(name, "timestamp", description, ge=earliest, nullable=nullable)


UPDATED_AT = timestamp(
    "updated_at", "when the source last changed the row; drives incremental extraction"
)
