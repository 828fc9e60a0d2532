"""Which source columns point at which parent table, and the load order that follows.

A row whose foreign key names a parent missing from `raw.<parent>` is quarantined as
`unknown_<column>`; parents therefore load first (the ingest assets depend on them).
"""

from __future__ import annotations

from dataclasses import dataclass
from graphlib import TopologicalSorter

from orchestration.ingest.source_tables import SOURCE_TABLES, SOURCE_TABLES_BY_NAME, SourceTable


@dataclass(frozen=True)
class ForeignKey:
    column: str
    parent_table: str
    parent_column: str

    @property
    def rule(self) -> str:
        return f"unknown_{self.column}"


def _fk(column: str, parent_table: str, parent_column: str | None = None) -> ForeignKey:
    return ForeignKey(column, parent_table, parent_column or column)


# Nullable foreign keys (lead_rep_id, owner_rep_id, campaign_id and customer_id of leads)
# are only checked when they hold a value.
FOREIGN_KEYS: dict[str, tuple[ForeignKey, ...]] = {
    "regions": (),
    "reps": (),
    "sales_groups": (_fk("region_id", "regions"), _fk("lead_rep_id", "reps", "rep_id")),
    "rep_assignments": (_fk("rep_id", "reps"), _fk("group_id", "sales_groups")),
    "customers": (_fk("region_id", "regions"), _fk("owner_rep_id", "reps", "rep_id")),
    "campaigns": (),
    "campaign_spend": (_fk("campaign_id", "campaigns"),),
    "leads": (
        _fk("campaign_id", "campaigns"),
        _fk("rep_id", "reps"),
        _fk("customer_id", "customers"),
    ),
    "products": (),
    "orders": (_fk("customer_id", "customers"), _fk("rep_id", "reps")),
    "order_lines": (_fk("order_id", "orders"), _fk("product_id", "products")),
    "inventory_snapshots": (_fk("product_id", "products"),),
}


def parents_of(source: SourceTable) -> list[SourceTable]:
    """The source tables `source` points at, each once, in declaration order."""
    names = dict.fromkeys(fk.parent_table for fk in FOREIGN_KEYS[source.name])
    return [SOURCE_TABLES_BY_NAME[name] for name in names]


def load_order() -> list[SourceTable]:
    """Every source table, parents before children (ties in SOURCE_TABLES order)."""
    sorter = TopologicalSorter({t.name: [p.name for p in parents_of(t)] for t in SOURCE_TABLES})
    sorter.prepare()
    position = {t.name: i for i, t in enumerate(SOURCE_TABLES)}
    ordered: list[SourceTable] = []
    while sorter.is_active():
        ready = sorted(sorter.get_ready(), key=position.__getitem__)
        for name in ready:
            ordered.append(SOURCE_TABLES_BY_NAME[name])
            sorter.done(name)
    return ordered
