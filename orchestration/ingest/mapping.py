"""Source mappings: how each contract table is read from the systems a department runs.

A mapping is a folder (`sources/<name>/`, chosen with SALES_TARGETS_SOURCE_MAPPING) with
one YAML file per source system. A file names the environment variable holding the
system's SQLAlchemy URL and, for each contract table the system provides, a `select` in
the system's own SQL dialect returning the table's contract columns (`models/registry/
sources/`) under their contract names:

    url_variable: ORDERS_DATABASE_URL
    tables:
      orders:
        select: |
          select order_id, customer_id, rep_id, order_date, status, currency, updated_at
          from orders
        cursor: updated_at   # the default; `none` re-reads the whole table every run

Ingestion reads `select * from (<select>) where updated_at >= :since`, so a select may
join, rename, cast and filter as the source needs. A table that is optional
(`OPTIONAL_TABLES`) may be left out; every other contract table must be mapped by exactly
one file. Every problem found here names the file, the table and the key.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import yaml

from models.registry.sources import SOURCE_SYSTEMS
from orchestration.settings import Settings

# Contract tables a mapping may leave out: what needs them is published as not measured.
# A system without assignment history maps rep_assignments to each rep's current group.
OPTIONAL_TABLES = frozenset({"leads", "campaigns", "campaign_spend", "inventory_snapshots"})
CURSOR = "updated_at"
NO_CURSOR = "none"
_FILE_KEYS = {"url_variable", "description", "tables"}
_TABLE_KEYS = {"select", "cursor", "description"}
MAPPING_SUFFIXES = (".yml", ".yaml")

# contract table -> the contract group it belongs to (`crm` or `orders`)
CONTRACT_GROUPS: dict[str, str] = {
    table.name: group for group, tables in SOURCE_SYSTEMS.items() for table in tables
}
CONTRACT_COLUMNS: dict[str, tuple[str, ...]] = {
    table.name: tuple(column.name for column in table.columns)
    for tables in SOURCE_SYSTEMS.values()
    for table in tables
}


class MappingError(ValueError):
    """A source mapping that cannot be used; the message names file, table and key."""


@dataclass(frozen=True)
class TableMapping:
    """How one contract table is read: its select, in the system's dialect."""

    table: str
    select: str
    cursor: str | None  # CURSOR, or None to read the whole table every run
    file: Path
    url_variable: str

    @property
    def system(self) -> str:
        """The system's name: its mapping file's name without the suffix."""
        return self.file.stem

    @property
    def columns(self) -> tuple[str, ...]:
        return CONTRACT_COLUMNS[self.table]

    def where(self) -> str:
        """`<file>: table <name>`, the prefix of every message about this table."""
        return f"{self.file}: table {self.table}"


@dataclass(frozen=True)
class SourceMapping:
    """Every mapped contract table of one mapping folder."""

    folder: Path
    tables: Mapping[str, TableMapping]

    def table(self, name: str) -> TableMapping | None:
        """The mapping of a contract table; None for an optional table left out."""
        return self.tables.get(name)

    @property
    def unmapped(self) -> tuple[str, ...]:
        """Optional contract tables this mapping leaves out, in contract order."""
        return tuple(name for name in CONTRACT_GROUPS if name not in self.tables)

    @property
    def url_variables(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(t.url_variable for t in self.tables.values()))


def _suggestion(name: str, known: Iterable[str]) -> str:
    close = difflib.get_close_matches(name, list(known), n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _unknown_keys(found: Mapping, allowed: set[str], where: str) -> None:
    for key in found:
        if key not in allowed:
            raise MappingError(
                f"{where}: unknown key {key!r}{_suggestion(str(key), allowed)}; "
                f"allowed: {', '.join(sorted(allowed))}"
            )


def _table_mapping(file: Path, url_variable: str, table: str, entry: object) -> TableMapping:
    if table not in CONTRACT_GROUPS:
        raise MappingError(
            f"{file}: table {table!r} is not a contract table{_suggestion(table, CONTRACT_GROUPS)}"
        )
    where = f"{file}: table {table}"
    if not isinstance(entry, Mapping):
        raise MappingError(f"{where}: expected keys select (and cursor), got {entry!r}")
    _unknown_keys(entry, _TABLE_KEYS, where)
    select = entry.get("select")
    if not isinstance(select, str) or not select.strip():
        raise MappingError(f"{where}: select is missing: the SQL that returns its columns")
    cursor = str(entry.get("cursor", CURSOR)).strip()
    if cursor not in (CURSOR, NO_CURSOR):
        raise MappingError(
            f"{where}: cursor {cursor!r} is not {CURSOR!r} (rows changed since the last "
            f"run) or {NO_CURSOR!r} (the whole table every run)"
        )
    return TableMapping(
        table=table,
        select=select.strip().rstrip(";"),
        cursor=None if cursor == NO_CURSOR else CURSOR,
        file=file,
        url_variable=url_variable,
    )


def _read_file(file: Path) -> list[TableMapping]:
    try:
        content = yaml.safe_load(file.read_text())
    except yaml.YAMLError as exc:
        raise MappingError(f"{file}: not valid YAML ({str(exc).splitlines()[0]})") from None
    if not isinstance(content, Mapping):
        raise MappingError(f"{file}: expected keys url_variable and tables")
    _unknown_keys(content, _FILE_KEYS, str(file))
    url_variable = content.get("url_variable")
    if not isinstance(url_variable, str) or not url_variable.isidentifier():
        raise MappingError(
            f"{file}: url_variable must name the environment variable holding the "
            f"system's SQLAlchemy URL, e.g. CRM_DATABASE_URL; got {url_variable!r}"
        )
    tables = content.get("tables")
    if not isinstance(tables, Mapping) or not tables:
        raise MappingError(f"{file}: tables is missing: the contract tables this system holds")
    return [_table_mapping(file, url_variable, str(t), entry) for t, entry in tables.items()]


def load_mapping(folder: Path) -> SourceMapping:
    """Read and check every mapping file of `folder` (no source is connected)."""
    if not folder.is_dir():
        raise MappingError(
            f"{folder}: no such mapping folder (set SALES_TARGETS_SOURCE_MAPPING to a folder "
            "of source mapping files, e.g. sources/demo)"
        )
    files = sorted(p for p in folder.iterdir() if p.suffix in MAPPING_SUFFIXES)
    if not files:
        raise MappingError(f"{folder}: holds no mapping file (*.yml)")
    tables: dict[str, TableMapping] = {}
    for file in files:
        for mapping in _read_file(file):
            earlier = tables.get(mapping.table)
            if earlier is not None:
                raise MappingError(
                    f"{file}: table {mapping.table} is mapped again (already by {earlier.file})"
                )
            tables[mapping.table] = mapping
    missing = [t for t in CONTRACT_GROUPS if t not in tables and t not in OPTIONAL_TABLES]
    if missing:
        raise MappingError(
            f"{folder}: no mapping file maps the required table(s) {', '.join(missing)}"
        )
    ordered = {name: tables[name] for name in CONTRACT_GROUPS if name in tables}
    return SourceMapping(folder, ordered)


def database_url(mapping: TableMapping, settings: Settings) -> str:
    """The SQLAlchemy URL of the system holding `mapping`'s table."""
    url = settings.database_url(mapping.url_variable)
    if not url:
        raise MappingError(
            f"{mapping.where()}: environment variable {mapping.url_variable} is not set "
            "(the system's SQLAlchemy URL)"
        )
    return url
