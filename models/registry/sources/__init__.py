"""The source interface: the tables read from the CRM and the order system, once each.

From these come the extracted SQLAlchemy tables (`orchestration/ingest/source_tables.py`),
the `raw.<table>` layout and the raw contracts (`models/raw.py`).
"""

from models.registry.schema import Table
from models.registry.sources.crm import CRM_TABLES
from models.registry.sources.orders import ORDER_TABLES

# Source system -> its tables, in extraction order.
SOURCE_SYSTEMS: dict[str, tuple[Table, ...]] = {"crm": CRM_TABLES, "orders": ORDER_TABLES}
