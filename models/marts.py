"""Mart contracts: the target tree, actuals, weekly progress and warnings (`marts.fct_*`).

Each contract states the table's grain as `Config.unique` (checked in SQL across chunks),
its types, ranges and allowed values, and the rules that tie columns together
(`models/registry/row_rules.py`). Each is built from its entry in `models/registry/marts/`,
whose columns are mostly the published tables' (`models/registry/published/`); edit
columns there. The execution marts list only documented columns, so they have none yet.
"""

import pandera.pandas as pa

from models.registry.marts import MART_TABLES
from models.registry.pandera_build import contract_model


class MartContract(pa.DataFrameModel):
    """Shared config: exact columns, values coerced to the contract's types."""

    class Config:
        strict = True
        coerce = True


# Contract of each mart, by relation name.
MART_CONTRACTS: dict[str, type[pa.DataFrameModel]] = {
    f"marts.{name}": contract_model(table, MartContract)
    for name, table in MART_TABLES.items()
    if table.documents_every_column
}
TargetTree = MART_CONTRACTS["marts.fct_target_tree"]
