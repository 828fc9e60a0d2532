"""The source interface: the tables sales-targets reads from the CRM and the order system.

Sources are declared without constraints: extracts carry duplicate and null keys, which
ingestion quarantines. This is the shape a real CRM or ERP extract must have (a view with
these columns is enough). The demo generator creates exactly these tables; ingestion
reads them by name. Every table carries `updated_at`, the change timestamp that
incremental extraction follows.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

crm_metadata = sa.MetaData()
orders_metadata = sa.MetaData()

ID = sa.String(32)
MONEY = sa.Numeric(18, 2)

# ---------------------------------------------------------------- CRM
regions = sa.Table(
    "regions",
    crm_metadata,
    sa.Column("region_id", ID),  # tier1, tier2, tier3_4, channel
    sa.Column("region_name", sa.String(100)),
    sa.Column("tier", sa.String(16)),  # tier1 | tier2 | tier3_4 | channel
    sa.Column("updated_at", sa.DateTime),
)
sales_groups = sa.Table(
    "sales_groups",
    crm_metadata,
    sa.Column("group_id", ID),  # g-star-01
    sa.Column("group_name", sa.String(100)),
    sa.Column("region_id", ID),
    sa.Column("group_kind", sa.String(32)),  # star | normal | newcomer | new_product_squad
    sa.Column("lead_rep_id", ID),
    sa.Column("updated_at", sa.DateTime),
)
reps = sa.Table(
    "reps",
    crm_metadata,
    sa.Column("rep_id", ID),  # rep-017
    sa.Column("rep_name", sa.String(100)),
    sa.Column("email", sa.String(200)),
    sa.Column(
        "role", sa.String(32)
    ),  # sales | top_sales | newcomer | customer_success | channel_manager
    sa.Column("hire_date", sa.Date),
    sa.Column("monthly_salary", MONEY),
    sa.Column("updated_at", sa.DateTime),
)
rep_assignments = sa.Table(
    "rep_assignments",
    crm_metadata,
    sa.Column("assignment_id", sa.Integer),
    sa.Column("rep_id", ID),
    sa.Column("group_id", ID),
    sa.Column("valid_from", sa.Date),
    sa.Column("valid_to", sa.Date),  # exclusive; null while current
    sa.Column("updated_at", sa.DateTime),
)
customers = sa.Table(
    "customers",
    crm_metadata,
    sa.Column("customer_id", ID),  # c-000123
    sa.Column("customer_name", sa.String(200)),  # personal data
    sa.Column("email", sa.String(200)),  # personal data
    sa.Column("phone", sa.String(50)),  # personal data
    sa.Column("city_tier", sa.String(16)),  # tier1 | tier2 | tier3_4
    sa.Column("region_id", ID),
    sa.Column("owner_rep_id", ID),
    sa.Column("created_at", sa.DateTime),
    sa.Column("updated_at", sa.DateTime),
)
leads = sa.Table(
    "leads",
    crm_metadata,
    sa.Column("lead_id", sa.Integer),
    sa.Column(
        "source", sa.String(32)
    ),  # online_ads | trade_show | channel_partner | referral | website
    sa.Column("campaign_id", ID),  # nullable
    sa.Column("rep_id", ID),
    sa.Column("created_at", sa.DateTime),
    sa.Column("converted_at", sa.DateTime),  # null until converted
    sa.Column("customer_id", ID),  # the customer the lead became, if any
    sa.Column("updated_at", sa.DateTime),
)
campaigns = sa.Table(
    "campaigns",
    crm_metadata,
    sa.Column("campaign_id", ID),
    sa.Column("campaign_name", sa.String(200)),
    sa.Column("source", sa.String(32)),  # the lead source it produces
    sa.Column("start_date", sa.Date),
    sa.Column("end_date", sa.Date),  # inclusive
    sa.Column("budget", MONEY),
    sa.Column("updated_at", sa.DateTime),
)
campaign_spend = sa.Table(
    "campaign_spend",
    crm_metadata,
    sa.Column("campaign_id", ID),
    sa.Column("spend_date", sa.Date),
    sa.Column("amount", MONEY),
    sa.Column("updated_at", sa.DateTime),
)

# ---------------------------------------------------------------- order system
products = sa.Table(
    "products",
    orders_metadata,
    sa.Column("product_id", ID),  # p-0001
    sa.Column("product_name", sa.String(200)),
    sa.Column("tier", sa.String(16)),  # core | new | long_tail
    sa.Column("launch_date", sa.Date),
    sa.Column("list_price", MONEY),
    sa.Column("updated_at", sa.DateTime),
)
orders = sa.Table(
    "orders",
    orders_metadata,
    sa.Column("order_id", sa.Integer),
    sa.Column("customer_id", ID),
    sa.Column("rep_id", ID),
    sa.Column("order_date", sa.Date),
    sa.Column("status", sa.String(16)),  # completed | cancelled | refunded
    sa.Column("currency", sa.String(3)),
    sa.Column("updated_at", sa.DateTime),
)
order_lines = sa.Table(
    "order_lines",
    orders_metadata,
    sa.Column("order_line_id", sa.Integer),
    sa.Column("order_id", sa.Integer),
    sa.Column("product_id", ID),
    sa.Column("quantity", sa.Integer),
    sa.Column("unit_price", MONEY),
    sa.Column("discount", MONEY),  # money off the line, not a rate
    sa.Column("net_amount", MONEY),  # quantity * unit_price - discount
    sa.Column("updated_at", sa.DateTime),
)
inventory_snapshots = sa.Table(
    "inventory_snapshots",
    orders_metadata,
    sa.Column("product_id", ID),
    sa.Column("snapshot_date", sa.Date),
    sa.Column("units_on_hand", sa.Integer),  # end of day
    sa.Column("units_received", sa.Integer),  # received that day
    sa.Column("updated_at", sa.DateTime),
)


@dataclass(frozen=True)
class SourceTable:
    """One extracted table: where it comes from and how its rows are identified."""

    system: str  # crm | orders: which source URL it is read from
    table: sa.Table
    key_columns: tuple[str, ...]

    @property
    def name(self) -> str:
        return self.table.name

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.table.columns)


# Business keys. Sources are declared without constraints on purpose: extracts and views
# do carry duplicate and null keys, and ingestion must quarantine them, not crash.
SOURCE_TABLES: tuple[SourceTable, ...] = (
    SourceTable("crm", regions, ("region_id",)),
    SourceTable("crm", sales_groups, ("group_id",)),
    SourceTable("crm", reps, ("rep_id",)),
    SourceTable("crm", rep_assignments, ("assignment_id",)),
    SourceTable("crm", customers, ("customer_id",)),
    SourceTable("crm", campaigns, ("campaign_id",)),
    SourceTable("crm", campaign_spend, ("campaign_id", "spend_date")),
    SourceTable("crm", leads, ("lead_id",)),
    SourceTable("orders", products, ("product_id",)),
    SourceTable("orders", orders, ("order_id",)),
    SourceTable("orders", order_lines, ("order_line_id",)),
    SourceTable("orders", inventory_snapshots, ("product_id", "snapshot_date")),
)
SOURCE_TABLES_BY_NAME = {t.name: t for t in SOURCE_TABLES}
