"""Staging contracts: what a `staging.stg_<source>__<entities>` view must hold.

Staging keeps the latest version of each source key, renamed and cast, so every view has a
unique key (`Config.unique`, checked in SQL across chunks by the contract checks), the
types dbt casts to, the allowed values of the source and the row rules raw ingestion
already enforces (a row that breaks one here got past quarantine). Each contract is built
from its entry in `models/registry/staging/`, whose columns are the source registry's;
edit columns there. DECIMAL columns are read as float64 (the reader casts them), DATE as
date, TIMESTAMP as datetime64.
"""

import pandera.pandas as pa

from models.registry.pandera_build import contract_model
from models.registry.staging import STAGING_TABLES


class StagingContract(pa.DataFrameModel):
    """Shared config: exact columns, values coerced to the contract's types."""

    class Config:
        strict = True
        coerce = True


# Contract of each staging table, by relation name.
STAGING_CONTRACTS: dict[str, type[pa.DataFrameModel]] = {
    f"staging.{name}": contract_model(table, StagingContract)
    for name, table in STAGING_TABLES.items()
}
OrderLines = STAGING_CONTRACTS["staging.stg_orders__order_lines"]
