# Longer than 300 lines: screen, stream, key check and report of one table.
"""Validate a warehouse table or view against its pandera contract without loading it whole.

First in SQL, where the data is: a contract built from the registry has every column
check and row rule spelled in SQL too (`models/registry/sql_checks.py`). When the
relation has exactly the contract's columns and types, one query counts the rows and the
rows that fail that screen; only those stream to pandera, which names the rules they break
(the screen may flag a row pandera accepts, never the reverse). So a clean table costs one
scan. Otherwise every row streams to pandera:
rows come out of DuckDB as Arrow record batches (`chunk_rows` each, ~200k by default)
and each batch is validated with the pandas backend; memory stays bounded by one batch.
Row rules (types, ranges, allowed values, cross-column rules) hold row by row, so chunks
see them all. A key (`Config.unique`) spans rows that may fall in different chunks, so it
is checked in SQL instead: `group by <key> having count(*) > 1` over the same rows.

For a quarter-keyed table (a `quarter` column) the caller may pass the run's quarters:
only their rows are read and keyed. For a table with a `loaded_at` column (staging) the
caller may pass `loaded_after`: row rules then read only the rows loaded since, and the
key is counted over every row of the keys those rows hold (see contract_watermarks).
pandera's ibis backend was tried first; here it took minutes on 2M rows with failures (it
materialises every failure case), so chunks it is.
"""

from __future__ import annotations

import copy
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import duckdb
import pandas as pd
import pandera.pandas as pa
from pandera.errors import SchemaErrors

from models.registry.pandera_build import registry_table
from models.registry.sql_checks import table_holds
from orchestration.warehouse import open_read_only

DEFAULT_CHUNK_ROWS = 200_000
SAMPLE_ROWS = 10
QUARTER_COLUMN = "quarter"
LOADED_AT_COLUMN = "loaded_at"


@dataclass(frozen=True)
class RuleFailure:
    """One broken rule: its name, how many rows break it, and up to ten of them."""

    rule: str
    failing_rows: int
    sample: pd.DataFrame


@dataclass
class ContractReport:
    """What validating one relation found."""

    relation: str
    contract: str
    quarters: tuple[str, ...] | None
    rows_checked: int = 0
    chunks: int = 0
    seconds: float = 0.0
    failures: list[RuleFailure] = field(default_factory=list)
    # rows that broke at least one row rule (summed over chunks, which are disjoint)
    rows_breaking_row_rules: int = 0
    rows_sharing_a_key: int = 0
    # row rules read only rows loaded after this (None: every row)
    loaded_after: datetime | None = None
    # the latest loaded_at in the relation when it was read (tables with loaded_at)
    loaded_through: datetime | None = None
    # rows the SQL screen did not pass, which pandera then judged (None: no screen)
    rows_judged_by_pandera: int | None = None

    @property
    def passed(self) -> bool:
        return not self.failures

    @property
    def failing_rows(self) -> int:
        """Rows breaking a row rule, plus rows sharing a key with another row."""
        return self.rows_breaking_row_rules + self.rows_sharing_a_key

    @property
    def rules_failed(self) -> dict[str, int]:
        return {failure.rule: failure.failing_rows for failure in self.failures}

    def describe(self) -> str:
        scope = f" (quarters {', '.join(self.quarters)})" if self.quarters else ""
        if self.loaded_after is not None:
            scope += f" (rows loaded after {self.loaded_after:%Y-%m-%d %H:%M:%S})"
        if self.passed:
            return f"{self.relation}{scope}: {self.rows_checked:,} rows meet {self.contract}"
        rules = "; ".join(f"{rule}: {count:,} rows" for rule, count in self.rules_failed.items())
        return (
            f"{self.relation}{scope} breaks contract {self.contract}: "
            f"{self.failing_rows:,} of {self.rows_checked:,} rows fail ({rules})"
        )


# ---------------------------------------------------------------- reading
def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _qualified(relation: str) -> str:
    return ".".join(_quote(part) for part in relation.split("."))


def relation_columns(connection: duckdb.DuckDBPyConnection, relation: str) -> dict[str, str]:
    """Column -> DuckDB type of a table or view (empty when it does not exist)."""
    schema, _, name = relation.rpartition(".")
    rows = connection.execute(
        "select column_name, data_type from information_schema.columns "
        "where table_schema = ? and table_name = ? order by ordinal_position",
        [schema or "main", name],
    ).fetchall()
    return dict(rows)


def _select_list(columns: dict[str, str]) -> str:
    # DECIMAL arrives in pandas as Python Decimal objects (slow, object dtype): read it as
    # DOUBLE, which the contracts declare. DECIMAL(22,6) values fit a double's precision.
    return ", ".join(
        f"cast({_quote(name)} as double) as {_quote(name)}"
        if kind.upper().startswith("DECIMAL")
        else _quote(name)
        for name, kind in columns.items()
    )


def _quarter_filter(
    columns: dict[str, str],
    quarters: Sequence[str] | None,
    loaded_after: datetime | None = None,
) -> tuple[str, list]:
    conditions, params = [], []
    if quarters and QUARTER_COLUMN in columns:
        conditions.append(f"{_quote(QUARTER_COLUMN)} in ({', '.join('?' for _ in quarters)})")
        params += list(quarters)
    if loaded_after is not None and LOADED_AT_COLUMN in columns:
        conditions.append(f"{_quote(LOADED_AT_COLUMN)} > ?")
        params.append(loaded_after)
    return (f" where {' and '.join(conditions)}" if conditions else ""), params


def _rows_sql(
    relation: str,
    columns: dict[str, str],
    quarters: Sequence[str] | None,
    loaded_after: datetime | None,
) -> tuple[str, list]:
    """SELECT of the rows to validate, decimals read as doubles, and its parameters."""
    where, params = _quarter_filter(columns, quarters, loaded_after)
    return f"select {_select_list(columns)} from {_qualified(relation)}{where}", params


def read_chunks(
    connection: duckdb.DuckDBPyConnection,
    relation: str,
    columns: dict[str, str],
    quarters: Sequence[str] | None = None,
    chunk_rows: int = DEFAULT_CHUNK_ROWS,
    loaded_after: datetime | None = None,
    failing: str | None = None,
) -> Iterator[pd.DataFrame]:
    """The relation's rows (of `quarters`, loaded after `loaded_after`, not passing the
    SQL `failing` screen when given) as pandas frames of at most `chunk_rows` rows."""
    sql, params = _rows_sql(relation, columns, quarters, loaded_after)
    if failing is not None:
        sql = f"select * from ({sql}) where not coalesce({failing}, false)"
    reader = connection.sql(sql, params=params).to_arrow_reader(chunk_rows)
    for batch in reader:
        if batch.num_rows:
            yield batch.to_pandas()


# ---------------------------------------------------------------- checking
def _same_type(registry_type: str, warehouse_type: str) -> bool:
    return registry_type.replace(" ", "").upper() == warehouse_type.replace(" ", "").upper()


def screen_sql(model: type[pa.DataFrameModel], columns: dict[str, str]) -> str | None:
    """SQL true where a row passes the contract's row rules, if the relation has exactly the
    contract's columns, of the registry's types, and every rule has SQL; else None."""
    table = registry_table(model)
    if table is None or set(columns) != set(table.column_names):
        return None
    if not all(_same_type(c.data_type, columns[c.name]) for c in table.columns):
        return None
    return table_holds(table)


def _screen(
    connection: duckdb.DuckDBPyConnection,
    relation: str,
    columns: dict[str, str],
    screen: str,
    quarters: Sequence[str] | None,
    loaded_after: datetime | None,
) -> tuple[int, int] | None:
    """(rows, rows the screen does not pass); None if DuckDB cannot run the screen."""
    sql, params = _rows_sql(relation, columns, quarters, loaded_after)
    try:
        [(rows, failing)] = connection.execute(
            f"select count(*), count(*) filter (where not coalesce({screen}, false)) from ({sql})",
            params,
        ).fetchall()
    except duckdb.Error:
        return None  # e.g. a type the SQL does not apply to: pandera reads every row
    return int(rows), int(failing)


def _row_rule_schema(model: type[pa.DataFrameModel]) -> pa.DataFrameSchema:
    """The contract without its key: chunks cannot see each other's rows.

    A copy: pandera caches `to_schema()`, and the key is still needed for the SQL check.
    """
    schema = copy.copy(model.to_schema())
    schema.unique = None
    return schema


def _rule_names(cases: pd.DataFrame) -> pd.Series:
    """`column: check` for a column rule, the check's name for a row or schema rule."""
    check = cases["check"].astype(str)
    is_column = (cases["schema_context"] == "Column") & cases["column"].notna()
    return check.where(~is_column, cases["column"].astype(str) + ": " + check)


@dataclass
class _RuleTally:
    """One rule's failures so far; chunks are disjoint, so per-chunk counts add up."""

    failing_rows: int = 0
    schema_cases: int = 0
    samples: list[pd.DataFrame] = field(default_factory=list)

    @property
    def shown(self) -> int:
        return sum(len(sample) for sample in self.samples)


def _record_chunk_failures(
    report: ContractReport,
    tallies: dict[str, _RuleTally],
    chunk: pd.DataFrame,
    offset: int,
    failure_cases: pd.DataFrame,
) -> None:
    cases = failure_cases.assign(rule=_rule_names(failure_cases))
    cases["row_index"] = pd.to_numeric(cases["index"], errors="coerce")
    bad_in_chunk = cases["row_index"].dropna().unique()
    report.rows_breaking_row_rules += len(bad_in_chunk)
    for rule, rows in cases.groupby("rule", sort=False):
        tally = tallies.setdefault(rule, _RuleTally())
        indexes = rows["row_index"].dropna().astype(int).unique()
        if len(indexes) == 0:
            # a schema-level failure (missing or extra column): the same in every chunk
            tally.schema_cases = max(tally.schema_cases, len(rows))
            if not tally.samples:
                tally.samples.append(rows[["column", "check", "failure_case"]].head(SAMPLE_ROWS))
            continue
        tally.failing_rows += len(indexes)
        if tally.shown < SAMPLE_ROWS:
            picked = [i for i in indexes if i in chunk.index][: SAMPLE_ROWS - tally.shown]
            sample = chunk.loc[picked].copy()
            sample.insert(0, "row", [offset + int(i) for i in picked])
            tally.samples.append(sample)


def _check_key(
    connection: duckdb.DuckDBPyConnection,
    relation: str,
    columns: dict[str, str],
    key: Sequence[str],
    quarters: Sequence[str] | None,
    loaded_after: datetime | None = None,
) -> RuleFailure | None:
    """Keys held by more than one row, counted in SQL over every row of the quarters.

    With `loaded_after`, only the keys a row loaded after it holds: every other key was
    unique when the rows up to then passed, and a row only gains a later `loaded_at`.
    """
    where, params = _quarter_filter(columns, quarters)
    key_sql = ", ".join(_quote(column) for column in key)
    not_null = " and ".join(f"{_quote(column)} is not null" for column in key)
    where = f"{where} and {not_null}" if where else f" where {not_null}"
    rows = _qualified(relation)
    if loaded_after is not None and LOADED_AT_COLUMN in columns:
        rows = (
            f"{rows} semi join (select distinct {key_sql} from {rows} "
            f"where {_quote(LOADED_AT_COLUMN)} > ?) as new_keys using ({key_sql})"
        )
        params = [loaded_after, *params]
    duplicates = (
        f"select {key_sql}, count(*) as copies from {rows}{where} "
        f"group by {key_sql} having count(*) > 1"
    )
    [(keys, rows)] = connection.execute(
        f"select count(*), coalesce(sum(copies), 0) from ({duplicates})", params
    ).fetchall()
    if not keys:
        return None
    sample = connection.execute(
        f"{duplicates} order by copies desc, {key_sql} limit {SAMPLE_ROWS}", params
    ).df()
    return RuleFailure(f"unique({', '.join(key)})", int(rows), sample)


def validate_relation(
    connection: duckdb.DuckDBPyConnection,
    relation: str,
    model: type[pa.DataFrameModel],
    quarters: Sequence[str] | None = None,
    chunk_rows: int = DEFAULT_CHUNK_ROWS,
    loaded_after: datetime | None = None,
) -> ContractReport:
    """Check every row of `relation` (or of the given quarters, or loaded after
    `loaded_after`) against `model`; its key always over every row of the quarters."""
    started = time.perf_counter()
    report = ContractReport(relation, model.__name__, tuple(quarters) if quarters else None)
    columns = relation_columns(connection, relation)
    if not columns:
        report.failures.append(
            RuleFailure(
                "relation_exists",
                0,
                pd.DataFrame({"relation": [relation], "problem": ["table or view not found"]}),
            )
        )
        report.seconds = time.perf_counter() - started
        return report

    if LOADED_AT_COLUMN in columns:
        report.loaded_after = loaded_after
        report.loaded_through = connection.execute(
            f"select max({_quote(LOADED_AT_COLUMN)}) from {_qualified(relation)}"
        ).fetchall()[0][0]
    schema = _row_rule_schema(model)
    tallies: dict[str, _RuleTally] = {}
    screen = screen_sql(model, columns)
    counted = None
    if screen is not None:
        counted = _screen(connection, relation, columns, screen, quarters, loaded_after)
    if counted is not None:
        report.rows_judged_by_pandera = counted[1]
        chunks = iter(())
        if counted[1]:
            chunks = read_chunks(
                connection, relation, columns, quarters, chunk_rows, loaded_after, screen
            )
    else:
        chunks = read_chunks(connection, relation, columns, quarters, chunk_rows, loaded_after)
    for chunk in chunks:
        try:
            schema.validate(chunk, lazy=True)
        except SchemaErrors as errors:
            _record_chunk_failures(
                report, tallies, chunk, report.rows_checked, errors.failure_cases
            )
        report.rows_checked += len(chunk)
        report.chunks += 1
    if counted is not None:
        report.rows_checked = counted[0]  # pandera saw only the rows the screen flagged
    elif report.chunks == 0:
        # an empty relation (or no new rows) still has to have the contract's columns
        empty = pd.DataFrame({name: pd.Series(dtype=object) for name in columns})
        try:
            schema.validate(empty, lazy=True)
        except SchemaErrors as errors:
            _record_chunk_failures(report, tallies, empty, 0, errors.failure_cases)

    for rule, tally in tallies.items():
        sample = pd.concat(tally.samples, ignore_index=True) if tally.samples else pd.DataFrame()
        report.failures.append(RuleFailure(rule, tally.failing_rows + tally.schema_cases, sample))
    key = model.to_schema().unique
    if key:
        duplicate = _check_key(connection, relation, columns, key, quarters, loaded_after)
        if duplicate is not None:
            report.failures.append(duplicate)
            report.rows_sharing_a_key = duplicate.failing_rows
    report.seconds = time.perf_counter() - started
    return report


def validate_warehouse_relation(
    warehouse_path: Path,
    relation: str,
    model: type[pa.DataFrameModel],
    quarters: Sequence[str] | None = None,
    chunk_rows: int = DEFAULT_CHUNK_ROWS,
    loaded_after: datetime | None = None,
    memory_limit: str | None = None,
) -> ContractReport:
    """`validate_relation` on a read-only connection opened and closed for this check.

    Read-only takes no writer lock, but DuckDB refuses it while this process holds the
    file read-write: callers run after the writer (dbt, ingest) has closed it.
    `memory_limit` (the warehouse's) bounds the key check: grouping a full rebuild's 30M
    staging order lines by key took 3 GB in the pipeline's process without it, 1.3 GB at
    a 1GB limit (and less time).
    """
    if not Path(warehouse_path).exists():
        report = ContractReport(relation, model.__name__, tuple(quarters) if quarters else None)
        problem = f"warehouse file {warehouse_path} not found"
        report.failures.append(
            RuleFailure("relation_exists", 0, pd.DataFrame({"problem": [problem]}))
        )
        return report
    connection = open_read_only(warehouse_path, memory_limit)
    try:
        return validate_relation(connection, relation, model, quarters, chunk_rows, loaded_after)
    finally:
        connection.close()


def markdown_table(frame: pd.DataFrame, max_rows: int = SAMPLE_ROWS) -> str:
    """A small Markdown table (Dagster renders it in the check's metadata)."""
    if frame.empty:
        return "_no rows_"
    shown = frame.head(max_rows)

    def cell(value: object) -> str:
        text = "" if value is None or (not isinstance(value, str) and pd.isna(value)) else value
        return str(text).replace("|", "\\|").replace("\n", " ")

    header = "| " + " | ".join(cell(column) for column in shown.columns) + " |"
    rule = "| " + " | ".join("---" for _ in shown.columns) + " |"
    body = ["| " + " | ".join(cell(v) for v in row) + " |" for row in shown.itertuples(False)]
    return "\n".join([header, rule, *body])
