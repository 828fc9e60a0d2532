"""The staging tables `staging.stg_<source>__<entities>`: each source's latest versions,
renamed and cast. A staged column is its source column (`models/registry/sources/`), with
`.but(...)` where staging means or checks something more; from these come the staging
pandera contracts (`models/staging.py`) and the staging folders' `_<source>__models.yml`.
"""

from models.registry.schema import Table
from models.registry.staging.crm import CRM_VIEWS
from models.registry.staging.orders import ORDER_VIEWS

# dbt folder under models/staging/ -> its tables, in the order the YAML lists them.
STAGING_FOLDERS: dict[str, tuple[Table, ...]] = {"crm": CRM_VIEWS, "orders": ORDER_VIEWS}
STAGING_TABLES: dict[str, Table] = {
    table.name: table for tables in STAGING_FOLDERS.values() for table in tables
}
