"""Expectation suites for the published `rpt_*` tables, derived from the column registry.

One `TableExpectations` per table of the published interface, read from
its entry in `models/registry/published/`: the promised columns must exist; the key is
unique and not null; non-nullable columns are not null; ranges, value sets, patterns and
ordered date pairs are those the registry states. Suites are built against the columns a
table actually has: a promised column that is missing fails its `expect_column_to_exist`
and its other rules are left out, and a listed table the store does not have yet is
skipped. Any other `rpt_*` table still gets the generic rules (the quarter label).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from models.registry.published import PUBLISHED_TABLES as REGISTRY_TABLES
from models.registry.schema import Table
from models.registry.values import QUARTER_PATTERN


@dataclass(frozen=True)
class Range:
    min_value: float | None = None
    max_value: float | None = None
    strict_min: bool = False


@dataclass(frozen=True)
class TableExpectations:
    """What the users of one published table may rely on."""

    table: str
    columns: tuple[str, ...]  # must exist (section 8 columns)
    key: tuple[str, ...] = ()  # compound key: unique together, and not null
    not_null: tuple[str, ...] = ()
    unique: tuple[str, ...] = ()
    ranges: Mapping[str, Range] = field(default_factory=dict)
    allowed_values: Mapping[str, tuple[object, ...]] = field(default_factory=dict)
    patterns: Mapping[str, str] = field(default_factory=dict)
    # (later, earlier): later >= earlier on every row where both are set
    ordered_pairs: tuple[tuple[str, str], ...] = ()
    description: str = ""
    column_descriptions: Mapping[str, str] = field(default_factory=dict)  # shown in Data Docs


def table_expectations(table: Table) -> TableExpectations:
    """The expectations a registry table states."""
    columns = table.columns
    return TableExpectations(
        table=table.name,
        columns=table.promised,
        key=table.key,
        not_null=tuple(c.name for c in columns if not c.nullable),
        unique=tuple(c.name for c in columns if c.unique),
        ranges={
            c.name: Range(c.gt if c.gt is not None else c.ge, c.le, c.gt is not None)
            for c in columns
            if (c.ge, c.gt, c.le) != (None, None, None)
        },
        allowed_values={c.name: c.isin for c in columns if c.isin is not None},
        patterns={c.name: c.pattern for c in columns if c.pattern and c.name != "quarter"},
        ordered_pairs=tuple(r.ordered_pair for r in table.row_rules if r.ordered_pair),
        description=table.description,
        column_descriptions={c.name: c.description for c in columns},
    )


PUBLISHED_TABLES: tuple[TableExpectations, ...] = tuple(
    table_expectations(table) for table in REGISTRY_TABLES.values()
)
EXPECTATIONS_BY_TABLE = {spec.table: spec for spec in PUBLISHED_TABLES}


def expectations_for(table: str) -> TableExpectations:
    """The table's listed expectations, or the generic ones for an unlisted `rpt_*` table."""
    return EXPECTATIONS_BY_TABLE.get(table) or TableExpectations(table=table, columns=())


def build_suite(spec: TableExpectations, present_columns: Iterable[str]):  # -> gx.ExpectationSuite
    """The great-expectations suite for `spec`, limited to rules whose columns exist."""
    import great_expectations as gx
    from great_expectations import expectations as gxe

    present = set(present_columns)
    suite = gx.ExpectationSuite(name=spec.table, meta={"description": spec.description})
    for column in spec.columns:
        notes = spec.column_descriptions.get(column)
        suite.add_expectation(gxe.ExpectColumnToExist(column=column, notes=notes))
    if "quarter" in present:
        suite.add_expectation(gxe.ExpectColumnValuesToNotBeNull(column="quarter"))
        suite.add_expectation(
            gxe.ExpectColumnValuesToMatchRegex(column="quarter", regex=QUARTER_PATTERN)
        )
    key = [column for column in spec.key if column in present]
    if key and len(key) == len(spec.key):
        if len(key) == 1:
            suite.add_expectation(gxe.ExpectColumnValuesToBeUnique(column=key[0]))
        else:
            suite.add_expectation(gxe.ExpectCompoundColumnsToBeUnique(column_list=key))
    for column in spec.unique:
        if column in present and (column,) != spec.key:
            suite.add_expectation(gxe.ExpectColumnValuesToBeUnique(column=column))
    for column in dict.fromkeys([*spec.key, *spec.not_null]):
        if column in present and column != "quarter":
            suite.add_expectation(gxe.ExpectColumnValuesToNotBeNull(column=column))
    for column, bounds in spec.ranges.items():
        if column in present:
            suite.add_expectation(
                gxe.ExpectColumnValuesToBeBetween(
                    column=column,
                    min_value=bounds.min_value,
                    max_value=bounds.max_value,
                    strict_min=bounds.strict_min,
                )
            )
    for column, values in spec.allowed_values.items():
        if column in present:
            suite.add_expectation(
                gxe.ExpectColumnValuesToBeInSet(column=column, value_set=list(values))
            )
    for column, pattern in spec.patterns.items():
        if column in present:
            suite.add_expectation(gxe.ExpectColumnValuesToMatchRegex(column=column, regex=pattern))
    for later, earlier in spec.ordered_pairs:
        if later in present and earlier in present:
            suite.add_expectation(
                gxe.ExpectColumnPairValuesAToBeGreaterThanB(
                    column_A=later,
                    column_B=earlier,
                    or_equal=True,
                    ignore_row_if="either_value_is_missing",
                )
            )
    return suite
