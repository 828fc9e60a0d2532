"""Source tables of the order system: products, orders, order lines, inventory."""

from models.registry.schema import Table
from models.registry.sources import row_rules as rules
from models.registry.sources.fields import (
    CURRENCIES,
    ORDER_STATUSES,
    PRODUCT_TIERS,
    UPDATED_AT,
    choice,
    count,
    event_date,
    key_id,
    money,
    text,
)

PRODUCTS = Table(
    name="products",
    description="A product and its tier in the product master.",
    columns=(
        key_id("product_id", "product key, e.g. p-0001"),
        text("product_name", "display name of the product", 200),
        choice("tier", PRODUCT_TIERS, "core, new or long_tail", 16),
        event_date("launch_date", "first day on sale"),
        money("list_price", "list price in CNY"),
        UPDATED_AT,
    ),
    key=("product_id",),
)
ORDERS = Table(
    name="orders",
    description="An order header; its status may change later (cancelled, refunded).",
    columns=(
        key_id("order_id", "order key"),
        key_id("customer_id", "ordering customer (raw.customers)"),
        key_id("rep_id", "rep credited with the order (raw.reps)"),
        event_date("order_date", "day the order was placed"),
        choice("status", ORDER_STATUSES, "completed, cancelled or refunded", 16),
        choice("currency", CURRENCIES, "order currency; only CNY is supported", 3),
        UPDATED_AT,
    ),
    key=("order_id",),
)
ORDER_LINES = Table(
    name="order_lines",
    description="One product on an order; net_amount = quantity * unit_price - discount.",
    columns=(
        key_id("order_line_id", "order line key"),
        key_id("order_id", "order of the line (raw.orders)"),
        key_id("product_id", "product sold (raw.products)"),
        count("quantity", "units sold"),
        money("unit_price", "price per unit in CNY"),
        money("discount", "money off the line in CNY (not a rate)"),
        money("net_amount", "line revenue in CNY after discount"),
        UPDATED_AT,
    ),
    key=("order_line_id",),
    row_rules=(rules.NET_AMOUNT_MATCHES_LINE,),
)
INVENTORY_SNAPSHOTS = Table(
    name="inventory_snapshots",
    description="A product's stock at the end of a day.",
    columns=(
        key_id("product_id", "product counted (raw.products)"),
        event_date("snapshot_date", "day of the count"),
        count("units_on_hand", "units in stock at the end of the day"),
        count("units_received", "units received that day"),
        UPDATED_AT,
    ),
    key=("product_id", "snapshot_date"),
)

ORDER_TABLES = (PRODUCTS, ORDERS, ORDER_LINES, INVENTORY_SNAPSHOTS)
