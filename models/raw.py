"""Raw contracts: what a source row must look like to enter `raw.<table>`.

One `DataFrameModel` per source table, built from its entry in `models/registry/sources/`
(the entry `orchestration/ingest/source_tables.py` builds the extracted table from), with
the types of `orchestration/ingest/raw_layout.py` (text -> str, BIGINT -> Int64,
DECIMAL(18,2) -> float64 stored back as DECIMAL, DATE -> date, TIMESTAMP -> datetime64).
The optional
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

from models.registry.pandera_build import contract_model
from models.registry.sources import SOURCE_SYSTEMS
from models.registry.sources.fields import (  # noqa: F401 - the raw layer's vocabulary
    CITY_TIERS,
    CURRENCIES,
    EARLIEST_EVENT,
    EARLIEST_PERSON_DATE,
    FUTURE_HORIZON_DAYS,
    LEAD_SOURCES,
    MONEY_LIMIT,
    ORDER_STATUSES,
    PRODUCT_TIERS,
    REP_ROLES,
)
from models.registry.sources.row_rules import (  # noqa: F401
    NET_AMOUNT_TOLERANCE,
    ROW_RULE_COLUMNS,
)

# Every date or timestamp column is named *_date, *_at, valid_from or valid_to.
DATE_COLUMNS = r"^(.*_date|.*_at|valid_from|valid_to)$"


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

    @pa.check(
        DATE_COLUMNS,
        regex=True,
        name="not_after_one_year_from_today",
    )
    @classmethod
    def not_after_one_year_from_today(cls, values: pd.Series) -> pd.Series:
        return pd.to_datetime(values) <= future_horizon()


# Contract of each source table's raw rows, by table name.
RAW_CONTRACTS: dict[str, type[RawContract]] = {
    table.name: contract_model(table, RawContract, key_is_unique=False)
    for tables in SOURCE_SYSTEMS.values()
    for table in tables
}
Regions = RAW_CONTRACTS["regions"]
SalesGroups = RAW_CONTRACTS["sales_groups"]
Reps = RAW_CONTRACTS["reps"]
RepAssignments = RAW_CONTRACTS["rep_assignments"]
Customers = RAW_CONTRACTS["customers"]
Campaigns = RAW_CONTRACTS["campaigns"]
CampaignSpend = RAW_CONTRACTS["campaign_spend"]
Leads = RAW_CONTRACTS["leads"]
Products = RAW_CONTRACTS["products"]
Orders = RAW_CONTRACTS["orders"]
OrderLines = RAW_CONTRACTS["order_lines"]
InventorySnapshots = RAW_CONTRACTS["inventory_snapshots"]
