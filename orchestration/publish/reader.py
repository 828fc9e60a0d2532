"""Moved to `orchestration.store_reader` (quality reads the store too and must not import
publish); kept so importers not yet updated keep working."""

from orchestration.store_reader import (  # noqa: F401
    STORE_CATALOG,
    open_store_read_only,
    store_columns,
    store_tables,
)
