"""The marts `marts.fct_*`: numbers and codes per quarter. A mart column the published
tables copy is the published registry entry's (or a shared one of `columns.py`); from
these come the mart pandera contracts (`models/marts.py`) and the marts folders'
`_<folder>__models.yml`.
"""

from models.registry.marts.actuals import FCT_NODE_ACTUALS, FCT_PROGRESS_WEEKLY, FCT_WARNINGS
from models.registry.marts.execution import (
    FCT_ACTION_RESULTS,
    FCT_COMMISSION_LINES,
    FCT_INCENTIVES,
    FCT_QUARTER_REVIEW,
)
from models.registry.marts.targets import FCT_TARGET_TREE
from models.registry.schema import Table

# dbt folder under models/marts/ -> its marts, in the order the YAML lists them.
MART_FOLDERS: dict[str, tuple[Table, ...]] = {
    "targets": (FCT_TARGET_TREE,),
    "actuals": (FCT_PROGRESS_WEEKLY, FCT_NODE_ACTUALS, FCT_WARNINGS),
    "execution": (FCT_ACTION_RESULTS, FCT_COMMISSION_LINES, FCT_INCENTIVES, FCT_QUARTER_REVIEW),
}
MART_TABLES: dict[str, Table] = {
    table.name: table for tables in MART_FOLDERS.values() for table in tables
}
