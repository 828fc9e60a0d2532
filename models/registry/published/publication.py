"""rpt_publication: one row per publish, written by the publisher (not dbt) into the store."""

from models.registry.columns import AS_OF_DATE
from models.registry.schema import Column, Table, names

RPT_PUBLICATION = Table(
    name="rpt_publication",
    description="One row per publish: what was published when, from which sources, behind "
    "which checks.",
    # JSON travels as text so Parquet, SQLite and every BI tool read it.
    columns=(
        Column("publication_number", "bigint", "1, 2, ... per publish.", ge=1),
        Column("publication_id", "varchar", "Publish id.", min_length=1, unique=True),
        Column("published_at", "timestamp", "When it was published (UTC)."),
        Column(
            "quarters",
            "varchar",
            "Quarters published, comma-separated (2026Q2,2026Q3).",
            pattern=r"^\d{4}Q[1-4](?:,\d{4}Q[1-4])*$",
        ),
        AS_OF_DATE.but(nullable=True, description="As-of date of the run."),
        Column(
            "source_watermarks",
            "varchar",
            "JSON {source_table: {watermark, batch_id}}: the sources behind the numbers.",
            nullable=True,
        ),
        Column("row_counts", "varchar", "JSON {table: rows} of every other rpt_* table."),
        Column("checks_passed", "varchar", 'JSON list of the checks that passed ("asset:check").'),
        Column("checks_passed_count", "integer", "How many checks passed.", ge=0, nullable=True),
        Column("run_id", "varchar", "Dagster run that published.", nullable=True),
    ),
    key=("publication_number",),
    promised=names(
        "publication_number publication_id published_at quarters as_of_date "
        "source_watermarks row_counts checks_passed"
    ),
    built_by_dbt=False,
)
