"""Staging tables of the order system: the latest version of each product, order, order
line and stock count, and every version of every order."""

from models.registry.schema import Column, Table
from models.registry.sources import orders
from models.registry.sources import row_rules as source_rules
from models.registry.staging import row_rules as rules
from models.registry.staging.columns import LOADED_AT, VERSION_UPDATED_AT, references, staged

STAMPS = (VERSION_UPDATED_AT, LOADED_AT)
IS_COMPLETED = Column("is_completed", "boolean", "status is completed (counts as revenue)")

PRODUCTS = Table(
    name="stg_orders__products",
    description="The product master, latest version of each product.",
    columns=(
        *staged(orders.PRODUCTS, "product_id product_name tier list_price launch_date"),
        *STAMPS,
    ),
    key=("product_id",),
    contract_enforced=False,
)
ORDERS = Table(
    name="stg_orders__orders",
    description=(
        "Order headers, latest version of each order (its current status). For an order's "
        "status as of an earlier date use int_order_status_versions_reconstructed (the "
        "loaded versions plus the completed booking a later refund or cancellation implies)."
    ),
    columns=(
        *staged(
            orders.ORDERS,
            "order_id customer_id rep_id status currency",
            customer_id="stg_crm__customers.customer_id",
            rep_id="stg_crm__reps.rep_id",
        ),
        IS_COMPLETED,
        Column("is_cancelled", "boolean", "status is cancelled"),
        Column("is_refunded", "boolean", "status is refunded"),
        *staged(orders.ORDERS, "order_date"),
        *STAMPS,
    ),
    key=("order_id",),
    row_rules=(rules.STATUS_FLAGS_MATCH_STATUS,),
    contract_enforced=False,
)
ORDER_STATUS_CHANGES = Table(
    name="stg_orders__order_status_changes",
    description=(
        "Every version of every order (one row per order and updated_at), so a model can "
        "read an order's status as of a date: the version with updated_at before the end of "
        "that day and superseded_at after it (or null). A refund recorded after a quarter "
        "closed then does not change that quarter when it is backfilled as of its end."
    ),
    columns=(
        references(
            orders.ORDERS.column("order_id").but(description="the order this version belongs to"),
            "stg_orders__orders.order_id",
        ),
        orders.ORDERS.column("status").but(
            description="the order's status from updated_at until superseded_at"
        ),
        IS_COMPLETED.but(description="the status of this version is completed"),
        VERSION_UPDATED_AT.but(
            description="when the order system recorded this version; it holds from then on"
        ),
        Column(
            "superseded_at",
            "timestamp",
            "when the next version was recorded (exclusive end of this one); null for the "
            "current version",
            nullable=True,
        ),
        LOADED_AT.but(description="when ingestion loaded this version"),
    ),
    key=("order_id", "updated_at"),
    row_rules=(rules.SUPERSEDED_AFTER_UPDATED,),
    contract_enforced=False,
)
ORDER_LINES = Table(
    name="stg_orders__order_lines",
    description="Order lines, latest version of each line.",
    columns=(
        *staged(
            orders.ORDER_LINES,
            "order_line_id order_id product_id",
            order_id="stg_orders__orders.order_id",
            product_id="stg_orders__products.product_id",
        ),
        # staging is stricter than raw: a line of no units is no sale
        orders.ORDER_LINES.column("quantity").but(ge=1),
        *staged(orders.ORDER_LINES, "unit_price discount net_amount"),
        *STAMPS,
    ),
    key=("order_line_id",),
    row_rules=(source_rules.NET_AMOUNT_MATCHES_LINE,),
    contract_enforced=False,
)
INVENTORY_SNAPSHOTS = Table(
    name="stg_orders__inventory_snapshots",
    description="End-of-day stock per product and day, latest version of each (product, day).",
    columns=(
        *staged(
            orders.INVENTORY_SNAPSHOTS,
            "product_id units_on_hand units_received snapshot_date",
            product_id="stg_orders__products.product_id",
        ),
        *STAMPS,
    ),
    key=("product_id", "snapshot_date"),
    contract_enforced=False,
)

ORDER_VIEWS = (PRODUCTS, ORDERS, ORDER_STATUS_CHANGES, ORDER_LINES, INVENTORY_SNAPSHOTS)
