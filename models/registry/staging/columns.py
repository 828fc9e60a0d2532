"""How a staging table takes its columns from a source table, and the columns staging adds."""

from models.registry.schema import Column, Table, relationship
from models.registry.sources.fields import UPDATED_AT


def staged(source: Table, columns: str, **references_of: str) -> tuple[Column, ...]:
    """The source columns `columns` (space-separated) as staging keeps them.

    `column="stg_model.field"` adds the dbt relationships test of a foreign key.
    """
    return tuple(
        references(source.column(name), references_of[name])
        if name in references_of
        else source.column(name)
        for name in columns.split()
    )


def references(column: Column, target: str) -> Column:
    """`column` with the relationships test to `target` ("stg_model.field")."""
    model, field = target.split(".")
    return column.but(dbt_tests=(*column.dbt_tests, relationship(model, field)))


# Staging keeps one version per key: the stamps describe that version.
VERSION_UPDATED_AT = UPDATED_AT.but(description="when the source last changed the version kept")
LOADED_AT = Column("loaded_at", "timestamp", "when ingestion loaded the version kept")
