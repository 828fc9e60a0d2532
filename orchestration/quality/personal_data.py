# Longer than 300 lines: the scan and its needle index are one algorithm.
"""No personal data in reporting: scan every text column for emails, phones and names.

The scan reads every VARCHAR column of every table of a DuckDB store (a path or an open
connection) or of a Parquet folder (one sub-folder per table, as published). It looks
for email addresses and phone numbers by pattern, and for literal values the caller
knows are personal (customer names, emails, phones from the CRM), case-insensitively as
substrings. Matching runs inside DuckDB over the distinct values, so a large store is not
pulled into Python; needles are joined with runs of the values' tokens (or, for scripts
without word spaces, looked up by their rarest character pair), so millions of customer
values cost about as much as a few; the publish gate loads them from the warehouse inside
DuckDB (`WarehouseCustomers`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import duckdb

from orchestration.quality.needle_cache import (
    NeedleCacheUse,
    cached_needles,
    needle_cache_path,
    refresh_needle_cache,
    release,
)
from orchestration.settings import Settings
from orchestration.store_reader import open_store_read_only
from orchestration.warehouse import warehouse_lock

# RE2 syntax (DuckDB's regexp engine).
EMAIL_PATTERN = r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}"
# A run of digits with phone-like separators; refined in Python (digit count, not a date).
PHONE_CANDIDATE_PATTERN = r"\+?\(?[0-9][0-9 ().\-]{7,}[0-9]"
_PHONE_DIGITS = range(9, 16)  # E.164 allows at most 15 digits
_GLUE = set("-_./")
_DATE_LIKE = re.compile(r"^\d{4}-\d{2}-\d{2}([ T]\d{2}(:\d{2})?)?")
_PHONE_CANDIDATE = re.compile(PHONE_CANDIDATE_PATTERN)
_DECIMAL_NUMBER = re.compile(r"^\d+\.\d+$")  # an amount like 12000000.00, not a phone
# Shorter ASCII literals match whole values only: as substrings they hit ordinary words.
# (Non-ASCII ones, e.g. two-character Chinese names, match as substrings from 2 characters.)
MIN_SUBSTRING_NEEDLE = 4
SAMPLE_SIZE = 3


class PersonalDataError(RuntimeError):
    """Personal data was found where only aggregates may be published."""


@dataclass(frozen=True)
class PersonalDataFinding:
    table: str
    column: str
    kind: str  # "email", "phone" or "listed value"
    rows: int
    sample: tuple[str, ...]

    def describe(self) -> str:
        sample = list(self.sample)
        return f"{self.table}.{self.column}: {self.kind} in {self.rows} row(s), e.g. {sample}"


@contextmanager
def _scan_connection(source: Path | duckdb.DuckDBPyConnection):
    """(connection, {table: SQL relation}) for a store path, Parquet folder or connection."""
    if isinstance(source, duckdb.DuckDBPyConnection):
        yield source, _duckdb_relations(source)
        return
    path = Path(source)
    if path.is_dir():
        connection = duckdb.connect(":memory:")
        try:
            yield connection, _parquet_relations(path)
        finally:
            connection.close()
        return
    connection = open_store_read_only(path)
    try:
        yield connection, _duckdb_relations(connection)
    finally:
        connection.close()


def _duckdb_relations(connection: duckdb.DuckDBPyConnection) -> dict[str, str]:
    rows = connection.execute(
        "select table_schema, table_name from information_schema.tables "
        "where table_catalog = current_database() and table_type = 'BASE TABLE' "
        "order by table_schema, table_name"
    ).fetchall()
    return {
        (name if schema == "main" else f"{schema}.{name}"): f'"{schema}"."{name}"'
        for schema, name in rows
    }


def _parquet_relations(folder: Path) -> dict[str, str]:
    relations = {}
    for table_dir in sorted(p for p in folder.iterdir() if p.is_dir()):
        if any(table_dir.rglob("*.parquet")):
            glob = str(table_dir / "**" / "*.parquet").replace("'", "''")
            relations[table_dir.name] = f"read_parquet('{glob}', hive_partitioning = true)"
    return relations


def _text_columns(connection: duckdb.DuckDBPyConnection, relation: str) -> list[str]:
    rows = connection.execute(f"describe select * from {relation}").fetchall()
    return [name for name, kind, *_ in rows if kind.upper() == "VARCHAR"]


def _looks_like_phone(value: str) -> bool:
    """A phone number: 9-15 digits, not a date or timestamp, not part of a longer token
    (ids, hashes); a bare digit run counts only as a whole value (numbers in JSON don't)."""
    whole = value.strip()
    for match in _PHONE_CANDIDATE.finditer(value):
        text = match.group(0)
        before = value[match.start() - 1] if match.start() else " "
        after = value[match.end()] if match.end() < len(value) else " "
        if before.isalnum() or after.isalnum():
            continue
        # glued to more of a token by - _ . / : a piece of a UUID, hash or id, not a phone
        start, end = match.start(), match.end()
        if before in _GLUE and start >= 2 and value[start - 2].isalnum():
            continue
        if after in _GLUE and end + 1 < len(value) and value[end + 1].isalnum():
            continue
        digits = sum(ch.isdigit() for ch in text)
        if digits not in _PHONE_DIGITS or _DATE_LIKE.match(text.lstrip("+(")):
            continue
        if _DECIMAL_NUMBER.match(text):
            continue
        if text.isdigit() and text != whole:
            continue
        return True
    return False


def _collect_text_values(connection: duckdb.DuckDBPyConnection, relations: dict[str, str]) -> None:
    """`_pd_values`: every distinct non-null value of every text column, with its count."""
    connection.execute(
        "create or replace temp table _pd_values "
        "(table_name varchar, column_name varchar, value varchar, n bigint, lowered varchar)"
    )
    for table, relation in relations.items():
        for column in _text_columns(connection, relation):
            connection.execute(
                f'insert into _pd_values select ?, ?, "{column}", count(*), lower("{column}") '
                f'from {relation} where "{column}" is not null group by all',
                [table, column],
            )


def _findings(kind: str, rows: list[tuple]) -> list[PersonalDataFinding]:
    return [
        PersonalDataFinding(table, column, kind, int(count), tuple(sample))
        for table, column, count, sample in rows
    ]


_PER_COLUMN = (
    f"select table_name, column_name, sum(n), list(value order by value)[1:{SAMPLE_SIZE}] "
    "from _pd_values where {condition} group by all order by all"
)


def _email_findings(connection: duckdb.DuckDBPyConnection) -> list[PersonalDataFinding]:
    query = _PER_COLUMN.format(condition="regexp_matches(value, ?)")
    return _findings("email", connection.execute(query, [EMAIL_PATTERN]).fetchall())


def _phone_findings(connection: duckdb.DuckDBPyConnection) -> list[PersonalDataFinding]:
    candidates = connection.execute(
        "select table_name, column_name, value, n from _pd_values "
        "where regexp_matches(value, ?) order by all",
        [PHONE_CANDIDATE_PATTERN],
    ).fetchall()
    grouped: dict[tuple[str, str], list[tuple[str, int]]] = {}
    for table, column, value, count in candidates:
        if _looks_like_phone(value):
            grouped.setdefault((table, column), []).append((value, count))
    return [
        PersonalDataFinding(
            table,
            column,
            "phone",
            sum(count for _, count in hits),
            tuple(value for value, _ in hits[:SAMPLE_SIZE]),
        )
        for (table, column), hits in grouped.items()
    ]


# Two ways a needle matches, each without comparing every needle with every value:
# - by whole tokens (every needle of 4+ characters, or 2+ with a non-ASCII character): each
#   distinct published value is cut into its runs of 1..n tokens, n the most tokens of a
#   needle, and the runs are joined with the needles by equality, so the customer "Min Li"
#   does not hit the rep "Min Liu" but "call Min Li, today" is a hit;
# - as plain substrings (needles with a non-ASCII character: scripts without word spaces,
#   e.g. Chinese names): each needle is looked up only among the values holding its rarest
#   character pair (bigram), then confirmed with `contains`.
# Both cost about as much for millions of customer values as for a few.
_TOKENS = "regexp_replace({text}, '[^[:alnum:]@.+_-]+', ' ', 'g')"
# `_pd_needles` holds each needle with what the matching needs of it, worked out once when
# it is loaded (and kept between publishes by `needle_cache.py`): its tokens, their number,
# and whether it has a non-ASCII character.
NEEDLE_TABLE_COLUMNS = "needle varchar, tokens varchar, token_count bigint, non_ascii boolean"


def _needle_features(needles: str, keep: str = "") -> str:
    """SQL: `needles` (a query with a `needle` column) as `_pd_needles` rows, after the
    `keep` columns (e.g. "value, ")."""
    # tokens are separated by single spaces: their number is the spaces + 1
    return (
        f"select {keep}needle, tokens, case when tokens = '' then 0 "
        "else length(tokens) - length(replace(tokens, ' ', '')) + 1 end as token_count, "
        "regexp_matches(needle, '[[:^ascii:]]') as non_ascii "
        f"from (select *, trim({_TOKENS.format(text='needle')}) as tokens from ({needles}))"
    )


_LISTED_VALUES = f"""
with distinct_values as (select distinct lowered from _pd_values),
token_needles as (
    select tokens, token_count from _pd_needles
    where tokens <> ''
      and (length(needle) >= {MIN_SUBSTRING_NEEDLE} or (non_ascii and length(needle) >= 2))
),
longest as (select coalesce(max(token_count), 0) as n from token_needles),
value_tokens as (
    select lowered, [t for t in string_split({_TOKENS.format(text="lowered")}, ' ') if t <> '']
        as tokens
    from distinct_values
),
value_runs as (
    select lowered, unnest(flatten([
        [array_to_string(tokens[i:i + k - 1], ' ') for k in range(1, longest.n + 1)
         if i + k - 1 <= length(tokens)]
        for i in range(1, length(tokens) + 1)])) as run
    from value_tokens, longest
),
token_hits as (
    select distinct r.lowered from value_runs r join token_needles n on r.run = n.tokens
),
substring_needles as (
    select distinct needle from _pd_needles where non_ascii and length(needle) >= 2
),
needle_pairs as (
    select needle, unnest(list_distinct([substr(needle, i, 2) for i in range(1, length(needle))]))
        as pair
    from substring_needles
),
value_pairs as (
    select lowered, unnest(list_distinct(
        [substr(lowered, i, 2) for i in range(1, length(lowered))])) as pair
    from distinct_values
    where exists (select 1 from substring_needles)
),
pair_counts as (select pair, count(*) as values_with_pair from value_pairs group by pair),
keyed as (
    select p.needle, arg_min(p.pair, c.values_with_pair) as key_pair,
           count(c.pair) = count(*) as every_pair_occurs
    from needle_pairs p left join pair_counts c using (pair)
    group by p.needle
),
substring_hits as (
    select distinct v.lowered
    from keyed k join value_pairs v on v.pair = k.key_pair
    where k.every_pair_occurs and contains(v.lowered, k.needle)
),
whole_value_hits as (
    select distinct v.lowered from _pd_values v join _pd_needles n on trim(v.lowered) = n.needle
),
hits as (
    select lowered from token_hits
    union select lowered from substring_hits
    union select lowered from whole_value_hits
)
"""


class WarehouseCustomers:
    """The needles of `personal_data_needles`, loaded by the scan straight from the
    warehouse: millions of customer values never pass through Python. Their tokens are
    kept between scans in the needle cache beside the warehouse (`needle_cache.py`)."""

    def __init__(self, settings: Settings, use_cache: bool = True) -> None:
        self.settings = settings
        self.use_cache = use_cache
        self.cache_use: NeedleCacheUse | None = None  # what the last load did with the cache
        self._cache_attached = False

    def bound_memory(self, connection: duckdb.DuckDBPyConnection) -> None:
        """Hold a scan connection of ours to the warehouse's memory limit, spilling beside
        the warehouse: the customers' values are millions (10M at 3M order lines a quarter)."""
        spill = needle_cache_path(self.settings.warehouse_path).with_suffix(".tmp")
        connection.execute("set memory_limit = ?", [self.settings.warehouse_memory_limit])
        connection.execute("set temp_directory = ?", [str(spill)])
        connection.execute("set preserve_insertion_order = false")

    def load(self, connection: duckdb.DuckDBPyConnection) -> None:
        """Create the scan's `_pd_needles`: a view of the needle cache (attached until
        `unload`), or a table worked out from the warehouse when there is no cache."""
        self.unload(connection)
        connection.execute(f"create temp table _pd_needles ({NEEDLE_TABLE_COLUMNS})")
        self.cache_use = None
        warehouse = self.settings.warehouse_path
        if not warehouse.exists():
            return
        with warehouse_lock(self.settings), _warehouse_attached(connection, warehouse) as values:
            if not values:
                return
            if self.use_cache:
                self.cache_use = refresh_needle_cache(
                    connection,
                    needle_cache_path(warehouse),
                    f"{_WAREHOUSE}.raw.customers",
                    _personal_columns(connection),
                    _needle_rows,
                )
            if self.cache_use is None:
                connection.execute(
                    "insert into _pd_needles "
                    f"select needle, tokens, token_count, non_ascii from ({_needle_rows(values)})"
                )
                return
            self._cache_attached = True
            try:
                connection.execute(
                    "create or replace temp table _pd_rep_names as "
                    f"select * from ({_rep_names_sql(connection)}) as reps(rep_name)"
                )
                connection.execute("drop table _pd_needles")
                connection.execute(
                    "create temp view _pd_needles as "
                    + cached_needles("select rep_name from _pd_rep_names")
                )
            except BaseException:
                self.unload(connection)
                raise

    def unload(self, connection: duckdb.DuckDBPyConnection) -> None:
        """Drop what `load` made on `connection` and detach the needle cache."""
        if not self._cache_attached:
            connection.execute("drop table if exists _pd_needles")
            return
        (kind,) = connection.execute(
            "select coalesce(max(table_type), '') from information_schema.tables "
            "where table_catalog = 'temp' and table_name = '_pd_needles'"
        ).fetchone()
        connection.execute(f"drop {'view' if kind == 'VIEW' else 'table'} if exists _pd_needles")
        connection.execute("drop table if exists _pd_rep_names")
        release(connection)
        self._cache_attached = False


Needles = Iterable[str] | WarehouseCustomers
_WHITESPACE = "' ' || chr(9) || chr(10) || chr(11) || chr(12) || chr(13)"  # str.strip's ASCII


def _needle_rows(values: str) -> str:
    """SQL: the distinct (value, needle, tokens, token_count, non_ascii) of `values` (a
    query of one text column `value`); a needle is the value trimmed and lowercased."""
    stripped = f"trim(value, {_WHITESPACE})"
    distinct = (
        f"select distinct value, lower({stripped}) as needle from ({values}) where {stripped} <> ''"
    )
    return _needle_features(distinct, keep="value, ")


def _load_needles(connection: duckdb.DuckDBPyConnection, needles: Needles) -> bool:
    """Create `_pd_needles`; False when there is none."""
    if isinstance(needles, WarehouseCustomers):
        needles.load(connection)
    else:
        values = sorted(
            {str(n).strip().lower() for n in needles if n is not None and str(n).strip()}
        )
        connection.execute(f"create or replace temp table _pd_needles ({NEEDLE_TABLE_COLUMNS})")
        if values:
            connection.execute(
                "insert into _pd_needles "
                + _needle_features("select unnest(?::varchar[]) as needle"),
                [values],
            )
    return connection.execute("select count(*) from _pd_needles").fetchone()[0] > 0


def _listed_value_findings(
    connection: duckdb.DuckDBPyConnection, needles: Needles
) -> list[PersonalDataFinding]:
    if not _load_needles(connection, needles):
        return []
    query = _LISTED_VALUES + _PER_COLUMN.format(condition="lowered in (select lowered from hits)")
    return _findings("listed value", connection.execute(query).fetchall())


def scan_for_personal_data(
    source: Path | duckdb.DuckDBPyConnection, needles: Needles = ()
) -> list[PersonalDataFinding]:
    """Findings of emails, phone numbers and `needles` in every text column of `source`:
    a DuckDB file or open connection (every table) or a published Parquet folder.

    Needles match case-insensitively as substrings; ASCII needles shorter than
    `MIN_SUBSTRING_NEEDLE` match whole values only ("Li" must not hit "online").
    """
    with _scan_connection(source) as (connection, relations):
        if isinstance(needles, WarehouseCustomers) and connection is not source:
            needles.bound_memory(connection)
        try:
            _collect_text_values(connection, relations)
            return [
                *_email_findings(connection),
                *_phone_findings(connection),
                *_listed_value_findings(connection, needles),
            ]
        finally:
            connection.execute("drop table if exists _pd_values")
            if isinstance(needles, WarehouseCustomers):
                needles.unload(connection)
            else:
                connection.execute("drop table if exists _pd_needles")


def require_no_personal_data(
    source: Path | duckdb.DuckDBPyConnection, needles: Needles = ()
) -> None:
    """Raise `PersonalDataError` naming every table and column holding personal data."""
    findings = scan_for_personal_data(source, needles)
    if findings:
        where = "\n".join(f"  - {finding.describe()}" for finding in findings)
        raise PersonalDataError(
            f"personal data found in {source}; reporting tables may hold no customer emails, "
            f"phones or names:\n{where}"
        )


CUSTOMER_PERSONAL_COLUMNS = ("customer_name", "email", "phone")


def personal_data_needles(settings: Settings) -> list[str]:
    """Customer names, emails and phones from the warehouse's `raw.customers`, if loaded."""
    if not settings.warehouse_path.exists():
        return []
    # Read-only attach of the warehouse: no writer may hold it meanwhile.
    with warehouse_lock(settings):
        return _customer_values(settings.warehouse_path)


def _customer_values(warehouse_path: Path) -> list[str]:
    connection = duckdb.connect(":memory:")
    try:
        with _warehouse_attached(connection, warehouse_path) as values:
            if not values:
                return []
            return [
                value
                for (value,) in connection.execute(
                    f"select value from ({values}) order by value"
                ).fetchall()
            ]
    finally:
        connection.close()


@contextmanager
def _warehouse_attached(connection: duckdb.DuckDBPyConnection, warehouse_path: Path):
    """Attach the warehouse read-only and yield the SQL of its customers' personal values
    (distinct, text), or None when it has no customers table."""
    quoted = str(warehouse_path).replace("'", "''")
    connection.execute(f"attach '{quoted}' as {_WAREHOUSE} (read_only)")
    try:
        yield _customer_values_sql(connection)
    finally:
        connection.execute(f"detach {_WAREHOUSE}")


_WAREHOUSE = "_pd_warehouse"


def _raw_columns(connection: duckdb.DuckDBPyConnection, table: str) -> set[str]:
    return {
        name
        for (name,) in connection.execute(
            "select column_name from information_schema.columns where table_catalog = ? "
            "and table_schema = 'raw' and table_name = ?",
            [_WAREHOUSE, table],
        ).fetchall()
    }


def _personal_columns(connection: duckdb.DuckDBPyConnection) -> list[str]:
    present = _raw_columns(connection, "customers")
    return [c for c in CUSTOMER_PERSONAL_COLUMNS if c in present]


def _rep_names_sql(connection: duckdb.DuckDBPyConnection) -> str:
    """SQL of the reps' names (none when raw.reps has no rep_name)."""
    if "rep_name" not in _raw_columns(connection, "reps"):
        return "select null::varchar where false"
    return f"select cast(rep_name as varchar) from {_WAREHOUSE}.raw.reps where rep_name is not null"


def _customer_values_sql(connection: duckdb.DuckDBPyConnection) -> str | None:
    columns = _personal_columns(connection)
    if not columns:
        return None
    values = " union ".join(
        f"select cast({column} as varchar) as value from {_WAREHOUSE}.raw.customers "
        f"where {column} is not null"
        for column in columns
    )
    # Rep names may be published (the reps read the report); a customer who happens to
    # share a rep's name cannot be told apart from the rep, so that name is not a needle.
    return f"select value from ({values}) except {_rep_names_sql(connection)}"
