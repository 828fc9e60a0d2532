"""`sales-targets sources check`: try a source mapping against the live sources.

For every mapped table: connect, compare the select's columns with the contract, read a
sample (`limit`), and run the raw contract over it, without writing anything. A table
whose select fails, lacks a contract column, or returns a column none of whose sampled
values has the contract's type is a mapping error naming the file, table and column.
Sample rows that would be quarantined are counted by rule; personal data (the registry's
flag) is masked in every sample shown.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

import pandas as pd
import sqlalchemy as sa

from models.raw import RAW_CONTRACTS
from models.registry.sources import SOURCE_SYSTEMS
from orchestration.ingest.extract import (
    SourceUnavailableError,
    extract_statement,
    masked_url,
    match_columns,
    open_source,
    select_columns,
    source_url,
)
from orchestration.ingest.mapping import MappingError, SourceMapping, TableMapping
from orchestration.ingest.validate import render_value, validate_chunk
from orchestration.settings import Settings

MASK = "***"
PERSONAL_COLUMNS: dict[str, frozenset[str]] = {
    table.name: frozenset(c.name for c in table.columns if c.personal_data)
    for tables in SOURCE_SYSTEMS.values()
    for table in tables
}


@dataclass(frozen=True)
class TableCheck:
    """What a mapped table's select returned, and what the raw contract makes of it."""

    mapping: TableMapping
    url: str = ""  # masked
    rows_in_source: int | None = None
    returned_columns: tuple[str, ...] = ()
    sample: pd.DataFrame | None = None  # personal data masked
    would_quarantine: int = 0  # sample rows the raw contract rejects
    reasons: Counter = field(default_factory=Counter)  # "rule (column)" -> sample rows
    error: str | None = None  # a mapping error: file, table, column and what is wrong

    @property
    def ok(self) -> bool:
        return self.error is None


def masked_sample(table: str, frame: pd.DataFrame) -> pd.DataFrame:
    """The sample as text, personal data replaced by ***."""
    shown = frame.map(render_value)
    for column in PERSONAL_COLUMNS.get(table, ()):
        if column in shown:
            shown[column] = shown[column].map(lambda v: None if v is None else MASK)
    return shown


def _type_errors(mapping: TableMapping, sample: pd.DataFrame, rejections: pd.DataFrame) -> str:
    """A column none of whose sampled values parses as the contract's type."""
    typed = rejections[rejections["rule"].astype(str).str.startswith("type:")]
    for column, failures in typed.groupby("column_name", sort=False):
        filled = int(sample[column].notna().sum())
        if filled and failures["row"].nunique() == filled:
            kind = str(failures["rule"].iloc[0]).removeprefix("type:")
            examples = ", ".join(repr(v) for v in failures["bad_value"].head(2))
            return (
                f"{mapping.where()}: column {column} returns no {kind} in the sample "
                f"(e.g. {examples}): cast it to the contract's {kind} type in the select"
            )
    return ""


def check_table(settings: Settings, mapping: TableMapping, limit: int) -> TableCheck:
    """Run one mapped table's select with a limit and check what it returns."""
    try:
        url = source_url(settings, mapping)
    except MappingError as exc:
        return TableCheck(mapping, error=str(exc))
    try:
        with open_source(mapping, url, attempts=1) as connection:
            returned = select_columns(connection, mapping, url)
            names = match_columns(mapping, returned)
            rows = extract_statement(mapping, None, names).subquery("checked")
            (count,) = connection.execute(sa.select(sa.func.count()).select_from(rows)).one()
            result = connection.execute(extract_statement(mapping, None, names).limit(limit))
            frame = pd.DataFrame(result.fetchall(), columns=list(mapping.columns), dtype=object)
    except (MappingError, SourceUnavailableError) as exc:
        return TableCheck(mapping, url=masked_url(url), error=str(exc))
    except sa.exc.DBAPIError as exc:
        problem = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
        return TableCheck(
            mapping, url=masked_url(url), error=f"{mapping.where()}: the select fails ({problem})"
        )
    verdict = validate_chunk(frame, RAW_CONTRACTS[mapping.table], mapping.table)
    rejections = verdict.rejections
    reasons: Counter = Counter()
    for (rule, column), rows in rejections.groupby(["rule", "column_name"], dropna=False):
        where = "" if pd.isna(column) else f" ({column})"
        reasons[f"{rule}{where}"] = rows["row"].nunique()
    return TableCheck(
        mapping,
        url=masked_url(url),
        rows_in_source=int(count),
        returned_columns=tuple(returned),
        sample=masked_sample(mapping.table, frame),
        would_quarantine=int(rejections["row"].nunique()) if not rejections.empty else 0,
        reasons=reasons,
        error=_type_errors(mapping, frame, rejections) or None,
    )


def check_mapping(
    settings: Settings, mapping: SourceMapping, limit: int = 100
) -> Iterator[TableCheck]:
    """Every mapped table, checked in contract order, one at a time (a caller can show each
    as it is done: counting a large source table takes a while)."""
    for table in mapping.tables.values():
        yield check_table(settings, table, limit)


def describe_row(row: pd.Series, width: int = 96) -> str:
    text = " ".join(f"{name}={value}" for name, value in row.items())
    return text if len(text) <= width else text[: width - 1] + "…"


def report_lines(checks: Iterable[TableCheck], shown: int) -> Iterator[str]:
    """What `sources check` prints for each table, line by line, as the checks come."""
    current = None
    for check in checks:
        table = check.mapping
        if table.file != current:
            current = table.file
            yield f"{table.system}: {table.file.name}, {table.url_variable} = {check.url or '?'}"
        if not check.ok:
            yield f"  {table.table:20} ERROR {check.error}"
            continue
        quarantined = (
            f"{check.would_quarantine} of {len(check.sample)} sampled rows would be quarantined"
        )
        yield (
            f"  {table.table:20} {check.rows_in_source:>9,} rows, "
            f"{len(check.returned_columns)} columns; {quarantined}"
        )
        for reason, rows in check.reasons.most_common():
            yield f"      {rows:>5} {reason}"
        for _, row in check.sample.head(shown).iterrows():
            yield f"      {describe_row(row)}"
