"""The published interface: every `rpt_*` table, once."""

from models.registry.published.kpis import (
    RPT_CUSTOMER_KPIS,
    RPT_PRODUCT_KPIS,
    RPT_TEAM_PERFORMANCE,
)
from models.registry.published.outcomes import RPT_ACTION_PLANS, RPT_INCENTIVES, RPT_QUARTER_REVIEW
from models.registry.published.publication import RPT_PUBLICATION
from models.registry.published.targets import RPT_PROGRESS_WEEKLY, RPT_TARGET_TREE, RPT_WARNINGS
from models.registry.schema import Table

PUBLISHED_TABLES: dict[str, Table] = {
    table.name: table
    for table in (
        RPT_TARGET_TREE,
        RPT_PROGRESS_WEEKLY,
        RPT_WARNINGS,
        RPT_CUSTOMER_KPIS,
        RPT_PRODUCT_KPIS,
        RPT_TEAM_PERFORMANCE,
        RPT_ACTION_PLANS,
        RPT_INCENTIVES,
        RPT_QUARTER_REVIEW,
        RPT_PUBLICATION,
    )
}

_personal = [
    f"{table.name}.{column.name}"
    for table in PUBLISHED_TABLES.values()
    for column in table.columns
    if column.personal_data
]
if _personal:  # a registry edit, caught at import: personal data is never published
    raise ValueError(f"published tables may not hold personal data: {_personal}")


def published_table(name: str) -> Table:
    """The registry entry of a published table, e.g. `rpt_warnings`."""
    try:
        return PUBLISHED_TABLES[name]
    except KeyError:
        raise KeyError(f"{name} is not a published table of models/registry/published") from None
