"""The catalogue of malformed source data the pipeline must survive.

Row-level kinds are planted, all at once, into a copy of the demo CRM and order system
(plain SQLite, so any value can be stored, including text in numeric columns and invalid
UTF-8). Each planted row is a copy of a real row in the run's quarter with one thing
broken and, unless the kind is about keys, a fresh key from a range the demo world never
uses: if ingestion let it through, the published numbers would move.

`rule` is the quarantine rule expected in `raw.quarantine.rule` (a rule ending in "(" is
matched as a prefix, e.g. "greater_than_or_equal_to("). `rule=None` means the value is
valid data and must be loaded verbatim (a SQL-looking customer name is a name).

Structural kinds (a table missing, a column dropped, added or retyped, an empty table)
cannot share one run; `STRUCTURAL_KINDS` lists them and tests/reliability/
test_schema_drift.py applies each to its own copy.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SQL_LOOKING = "x'); drop table raw.orders; --"
# A customer's name is personal data: it must differ from the plan's SQL-looking revision
# reason, or the personal-data gate rightly refuses to publish that reason.
SQL_LOOKING_NAME = "Robert'); drop table raw.customers; --"
QUARTER_FIRST_DAY = "2026-07-01"
QUARTER_LAST_DAY = "2026-09-30"
FRESH_INTEGER_KEY = 990_000_000  # far above every number the demo generator gives an id
LONG_TEXT_LENGTH = 20_000
INVALID_UTF8 = b"Zh\xc3\x28ng \xff\xfe"  # a broken two-byte sequence and two stray bytes


@dataclass(frozen=True)
class Planted:
    """Where a planted row shows up: a record_key fragment, and a predicate on
    `raw.<table>` that must match no row (the bad version never reached raw)."""

    record_key: str
    raw_absent: str | None = None  # None: nothing to check (the row is valid data)
    raw_present: str | None = None  # valid data: this predicate must match exactly one row


@dataclass(frozen=True)
class BadInput:
    kind: str
    table: str
    column: str
    rule: str | None
    description: str
    plant: Callable[[Sources, int], Planted]


@dataclass(frozen=True)
class StructuralKind:
    kind: str
    table: str
    column: str | None
    expectation: str


class Sources:
    """Open SQLite connections to a copy of the demo sources, and row-copying helpers."""

    def __init__(self, sources_dir: Path) -> None:
        self.connections = {
            "crm": sqlite3.connect(sources_dir / "crm.sqlite"),
            "orders": sqlite3.connect(sources_dir / "orders.sqlite"),
        }

    def system_of(self, table: str) -> sqlite3.Connection:
        from orchestration.ingest.source_tables import SOURCE_TABLES_BY_NAME

        return self.connections[SOURCE_TABLES_BY_NAME[table].system]

    def real_row(self, table: str, where: str = "1 = 1", offset: int = 0) -> dict[str, Any]:
        """One real row (raw SQLite values), the `offset`-th in rowid order."""
        connection = self.system_of(table)
        (count,) = connection.execute(f"select count(*) from {table} where {where}").fetchone()
        assert count, f"no {table} row where {where}"
        cursor = connection.execute(
            f"select * from {table} where {where} order by rowid limit 1 offset {offset % count}"
        )
        names = [d[0] for d in cursor.description]
        return dict(zip(names, cursor.fetchone(), strict=True))

    def insert(self, table: str, row: dict[str, Any], blob_text: tuple[str, ...] = ()) -> None:
        """Insert a row exactly as given; `blob_text` columns are bytes stored as TEXT."""
        names = ", ".join(row)
        marks = ", ".join("cast(? as text)" if n in blob_text else "?" for n in row)
        self.system_of(table).execute(
            f"insert into {table} ({names}) values ({marks})", list(row.values())
        )

    def commit_and_close(self) -> None:
        for connection in self.connections.values():
            connection.commit()
            connection.close()


def _literal(value: Any) -> str:
    return str(value) if isinstance(value, int) else "'" + str(value).replace("'", "''") + "'"


def _marker(index: int) -> str:
    """A unique, valid updated_at inside the quarter: tells null-key rows apart."""
    return f"2026-08-{10 + index // 60:02d} 03:{index % 60:02d}:17"


def _fresh_key(table: str, index: int) -> str:
    return f"zz-bad-{table}-{index:02d}"


# ---------------------------------------------------------------- generic plants
IN_QUARTER = {
    "orders": f"order_date between '{QUARTER_FIRST_DAY}' and '{QUARTER_LAST_DAY}' "
    "and status = 'completed'",
    "order_lines": "order_id in (select order_id from orders where order_date between "
    f"'{QUARTER_FIRST_DAY}' and '{QUARTER_LAST_DAY}' and status = 'completed')",
    "leads": f"created_at >= '{QUARTER_FIRST_DAY}' and converted_at is null",
    "campaign_spend": f"spend_date between '{QUARTER_FIRST_DAY}' and '{QUARTER_LAST_DAY}'",
    "inventory_snapshots": f"snapshot_date between '{QUARTER_FIRST_DAY}' and '{QUARTER_LAST_DAY}'",
    "campaigns": f"start_date between '{QUARTER_FIRST_DAY}' and '{QUARTER_LAST_DAY}'",
}
KEYS = {
    "regions": "region_id",
    "sales_groups": "group_id",
    "reps": "rep_id",
    "rep_assignments": "assignment_id",
    "customers": "customer_id",
    "campaigns": "campaign_id",
    "leads": "lead_id",
    "products": "product_id",
    "orders": "order_id",
    "order_lines": "order_line_id",
}


def variant(
    table: str, changes: dict[str, Any], blob_text: tuple[str, ...] = ()
) -> Callable[[Sources, int], Planted]:
    """A real row of `table` under a fresh key with `changes` applied."""

    def plant(sources: Sources, index: int) -> Planted:
        key = KEYS[table]
        row = sources.real_row(table, IN_QUARTER.get(table, "1 = 1"), offset=index)
        fresh = _fresh_key(table, index)
        stamp = _marker(index)
        row.update({key: fresh, "updated_at": stamp})
        row.update(changes)
        sources.insert(table, row, blob_text)
        if key in changes:  # the key itself is the broken value: find the row by its stamp
            return Planted(
                record_key=f"{key}={changes[key]},", raw_absent=f"updated_at = timestamp '{stamp}'"
            )
        return Planted(record_key=f"{key}={fresh},", raw_absent=f"{key} = {_literal(fresh)}")

    return plant


def composite_variant(
    table: str, changes: dict[str, Any], key: tuple[str, str]
) -> Callable[[Sources, int], Planted]:
    """For tables keyed by (id, date): a real row with `changes`, shown by its id."""

    def plant(sources: Sources, index: int) -> Planted:
        row = sources.real_row(table, IN_QUARTER.get(table, "1 = 1"), offset=index)
        row.update({"updated_at": _marker(index)})
        row.update(changes)
        sources.insert(table, row)
        stamp = _marker(index)
        return Planted(
            record_key=f"updated_at={stamp}",
            raw_absent=f"updated_at = timestamp '{stamp}' and {key[0]} = {_literal(row[key[0]])}",
        )

    return plant


def null_updated_at(table: str, key: tuple[str, str]) -> Callable[[Sources, int], Planted]:
    def plant(sources: Sources, index: int) -> Planted:
        row = sources.real_row(table, IN_QUARTER.get(table, "1 = 1"), offset=index)
        row.update({"updated_at": None})
        sources.insert(table, row)
        return Planted(
            record_key=f"{key[0]}={row[key[0]]}, {key[1]}={row[key[1]]}, updated_at=null",
            raw_absent="updated_at is null",
        )

    return plant


def null_key(table: str) -> Callable[[Sources, int], Planted]:
    def plant(sources: Sources, index: int) -> Planted:
        key = KEYS[table]
        row = sources.real_row(table, IN_QUARTER.get(table, "1 = 1"), offset=index)
        stamp = _marker(index)
        row.update({key: None, "updated_at": stamp})
        sources.insert(table, row)
        return Planted(
            record_key=f"{key}=null, updated_at={stamp}",
            raw_absent=f"{key} is null",
        )

    return plant


def conflicting_duplicate(table: str, changes: dict[str, Any]) -> Callable[[Sources, int], Planted]:
    """Same key and updated_at as a real row, different values: the later sighting loses."""

    def plant(sources: Sources, index: int) -> Planted:
        key = KEYS[table]
        row = sources.real_row(table, IN_QUARTER.get(table, "1 = 1"), offset=100 + index)
        original = dict(row)
        row.update(changes)
        sources.insert(table, row)
        changed = " and ".join(f"{name} = {_literal(v)}" for name, v in changes.items())
        return Planted(
            record_key=f"{key}={original[key]}, updated_at={original['updated_at']}",
            raw_absent=f"{key} = {_literal(original[key])} and {changed}",
        )

    return plant


def exact_duplicate(table: str, key: tuple[str, str]) -> Callable[[Sources, int], Planted]:
    def plant(sources: Sources, index: int) -> Planted:
        row = sources.real_row(table, IN_QUARTER.get(table, "1 = 1"), offset=200 + index)
        sources.insert(table, row)
        # The copy is identical: "absent" means raw holds that version exactly once.
        return Planted(
            record_key=f"{key[0]}={row[key[0]]}, {key[1]}={row[key[1]]}, "
            f"updated_at={row['updated_at']}",
            raw_present=f"{key[0]} = {_literal(row[key[0]])} and "
            f"{key[1]} = date '{row[key[1]]}' and updated_at = timestamp '{row['updated_at']}'",
        )

    return plant


def orphan_line_of_quarantined_order() -> Callable[[Sources, int], Planted]:
    """An order in USD (quarantined) with a line: the line cannot load without its order."""

    def plant(sources: Sources, index: int) -> Planted:
        order = sources.real_row("orders", IN_QUARTER["orders"], offset=300 + index)
        order_id = str(FRESH_INTEGER_KEY + 500 + index)
        order.update({"order_id": order_id, "currency": "USD", "updated_at": _marker(index)})
        sources.insert("orders", order)
        line = sources.real_row("order_lines", IN_QUARTER["order_lines"], offset=300 + index)
        line_id = str(FRESH_INTEGER_KEY + 500 + index)
        line.update({"order_line_id": line_id, "order_id": order_id, "updated_at": _marker(index)})
        sources.insert("order_lines", line)
        return Planted(
            record_key=f"order_line_id={line_id},", raw_absent=f"order_line_id = '{line_id}'"
        )

    return plant


def accepted_as_data(table: str, column: str, value: str) -> Callable[[Sources, int], Planted]:
    def plant(sources: Sources, index: int) -> Planted:
        key = KEYS[table]
        row = sources.real_row(table, offset=index)
        fresh = _fresh_key(table, index)
        row.update({key: fresh, "updated_at": _marker(index), column: value})
        sources.insert(table, row)
        return Planted(
            record_key=f"{key}={fresh},",
            raw_present=f"{key} = {_literal(fresh)} and {column} = {_literal(value)}",
        )

    return plant


# ---------------------------------------------------------------- the catalogue
GE = "greater_than_or_equal_to("
ISIN = "isin("
CATALOGUE: tuple[BadInput, ...] = (
    # CRM: regions, groups, reps, assignments
    BadInput("null_key", "regions", "region_id", "not_null", "region without an id",
             null_key("regions")),
    # a region's tier and a group's kind are any name the plan uses (region_tiers.csv,
    # group_kinds.csv); only their length is the CRM contract's
    BadInput("long_tier", "regions", "tier", "str_length(None, 32)", "a 40-character region tier",
             variant("regions", {"tier": "tier" * 10})),
    BadInput("orphan_region", "sales_groups", "region_id", "unknown_region_id",
             "group in a region that does not exist",
             variant("sales_groups", {"region_id": "mars"})),
    BadInput("long_group_kind", "sales_groups", "group_kind", "str_length(None, 32)",
             "a 40-character group kind", variant("sales_groups", {"group_kind": "star" * 10})),
    BadInput("conflicting_duplicate_key", "reps", "rep_id,updated_at", "duplicate_key",
             "second version of a rep with the same updated_at and another role",
             conflicting_duplicate("reps", {"role": "newcomer", "monthly_salary": 1})),
    BadInput("unknown_role", "reps", "role", ISIN, "rep role 'ceo'",
             variant("reps", {"role": "ceo"})),
    BadInput("negative_amount", "reps", "monthly_salary", GE, "salary -5000",
             variant("reps", {"monthly_salary": -5000})),
    BadInput("text_in_numeric", "reps", "monthly_salary", "type:decimal", "salary 'lots'",
             variant("reps", {"monthly_salary": "lots"})),
    BadInput("valid_to_before_valid_from", "rep_assignments", "valid_to",
             "valid_to_after_valid_from", "assignment ending before it starts",
             variant("rep_assignments", {"valid_from": "2026-08-01", "valid_to": "2026-07-01"})),
    BadInput("orphan_rep", "rep_assignments", "rep_id", "unknown_rep_id",
             "assignment of a rep that does not exist",
             variant("rep_assignments", {"rep_id": "rep-999"})),
    # CRM: customers
    BadInput("null_key", "customers", "customer_id", "not_null", "customer without an id",
             null_key("customers")),
    BadInput("very_long_string", "customers", "customer_name", "str_length(None, 200)",
             f"a {LONG_TEXT_LENGTH:,}-character customer name",
             variant("customers", {"customer_name": "Wang " * (LONG_TEXT_LENGTH // 5)})),
    BadInput("non_utf8_string", "customers", "customer_name", "invalid_utf8",
             "customer name with invalid UTF-8 bytes",
             variant("customers", {"customer_name": INVALID_UTF8}, blob_text=("customer_name",))),
    BadInput("orphan_owner_rep", "customers", "owner_rep_id", "unknown_owner_rep_id",
             "customer owned by a rep that does not exist",
             variant("customers", {"owner_rep_id": "rep-999"})),
    BadInput("unknown_city_tier", "customers", "city_tier", ISIN, "city tier 'tier0'",
             variant("customers", {"city_tier": "tier0"})),
    BadInput("impossible_old_date", "customers", "created_at", GE, "account created in 1900",
             variant("customers", {"created_at": "1900-01-01 00:00:00"})),
    BadInput("sql_text_as_data", "customers", "customer_name", None,
             "SQL-looking customer name: valid text, loaded verbatim, never executed",
             accepted_as_data("customers", "customer_name", SQL_LOOKING_NAME)),
    # CRM: campaigns, spend, leads
    BadInput("end_before_start", "campaigns", "end_date", "end_date_not_before_start_date",
             "campaign ending before it starts",
             variant("campaigns", {"start_date": "2026-09-01", "end_date": "2026-08-01"})),
    BadInput("unknown_lead_source", "campaigns", "source", ISIN, "campaign source 'tv'",
             variant("campaigns", {"source": "tv"})),
    BadInput("absurd_amount", "campaigns", "budget", "less_than(", "budget 1e20",
             variant("campaigns", {"budget": 1e20})),
    BadInput("nan_amount", "campaign_spend", "amount", "type:decimal", "spend 'NaN'",
             composite_variant("campaign_spend", {"amount": "NaN"},
                               ("campaign_id", "spend_date"))),
    BadInput("null_updated_at", "campaign_spend", "updated_at", "not_null",
             "spend row without a change stamp",
             null_updated_at("campaign_spend", ("campaign_id", "spend_date"))),
    BadInput("converted_before_created", "leads", "converted_at",
             "converted_at_not_before_created_at", "lead converted before it was created",
             variant("leads", {"created_at": "2026-08-05 10:00:00",
                               "converted_at": "2026-08-01 10:00:00"})),
    BadInput("unknown_lead_source", "leads", "source", ISIN, "lead source 'carrier_pigeon'",
             variant("leads", {"source": "carrier_pigeon"})),
    BadInput("sql_looking_key", "leads", "campaign_id", "unknown_campaign_id",
             "campaign id that looks like SQL", variant("leads", {"campaign_id": SQL_LOOKING})),
    # order system: products, orders
    BadInput("unknown_product_tier", "products", "tier", ISIN, "product tier 'premium'",
             variant("products", {"tier": "premium"})),
    BadInput("impossible_date", "products", "launch_date", "type:date", "launch on 2026-02-30",
             variant("products", {"launch_date": "2026-02-30"})),
    BadInput("negative_amount", "products", "list_price", GE, "list price -1",
             variant("products", {"list_price": -1})),
    BadInput("null_key", "orders", "order_id", "not_null", "order without an id",
             null_key("orders")),
    BadInput("empty_key", "orders", "order_id", "str_length(1, None)",
             "order id '' (an empty id string is no id)", variant("orders", {"order_id": ""})),
    BadInput("orphan_customer", "orders", "customer_id", "unknown_customer_id",
             "order of a customer that does not exist",
             variant("orders", {"customer_id": "c-999999"})),
    BadInput("unknown_status", "orders", "status", ISIN, "order status 'lost_in_mail'",
             variant("orders", {"status": "lost_in_mail"})),
    BadInput("sql_looking_enum", "orders", "status", "str_length(None, 16)",
             "order status that looks like SQL (longer than the declared String(16))",
             variant("orders", {"status": SQL_LOOKING})),
    BadInput("foreign_currency", "orders", "currency", ISIN, "order in USD",
             variant("orders", {"currency": "USD"})),
    BadInput("future_date", "orders", "order_date", "not_after_one_year_from_today",
             "order dated 2099-01-01", variant("orders", {"order_date": "2099-01-01"})),
    BadInput("impossible_old_date", "orders", "order_date", GE, "order dated 1999-12-31",
             variant("orders", {"order_date": "1999-12-31"})),
    BadInput("timezone_shifted_timestamp", "orders", "updated_at", "timezone_offset",
             "change stamp 2026-08-20T10:00:00+08:00 in a column of naive local times",
             variant("orders", {"updated_at": "2026-08-20T10:00:00+08:00"})),
    BadInput("timezone_shifted_date", "orders", "order_date", "timezone_offset",
             "order date 2026-08-01T00:30:00+08:00 (the day before in UTC)",
             variant("orders", {"order_date": "2026-08-01T00:30:00+08:00"})),
    # order system: lines, inventory
    BadInput("negative_quantity", "order_lines", "quantity", GE, "quantity -3",
             variant("order_lines", {"quantity": -3, "net_amount": -3 * 100, "unit_price": 100,
                                     "discount": 0})),
    BadInput("text_in_numeric", "order_lines", "quantity", "type:integer", "quantity 'twelve'",
             variant("order_lines", {"quantity": "twelve"})),
    BadInput("absurd_quantity", "order_lines", "quantity", "type:integer",
             "quantity 1e20 (beyond BIGINT)", variant("order_lines", {"quantity": 1e20})),
    BadInput("absurd_amount", "order_lines", "net_amount", "less_than(", "net amount 1e20",
             variant("order_lines", {"quantity": 1, "unit_price": 1e20, "discount": 0,
                                     "net_amount": 1e20})),
    BadInput("nan_amount", "order_lines", "unit_price", "type:decimal", "unit price 'NaN'",
             variant("order_lines", {"unit_price": "NaN"})),
    BadInput("net_amount_mismatch", "order_lines", "net_amount", "net_amount_matches_line",
             "net amount 1,000,000 on a small line",
             variant("order_lines", {"net_amount": 1_000_000})),
    BadInput("orphan_product", "order_lines", "product_id", "unknown_product_id",
             "line of a product that does not exist",
             variant("order_lines", {"product_id": "p-9999"})),
    BadInput("orphan_order", "order_lines", "order_id", "unknown_order_id",
             "line of an order that does not exist",
             variant("order_lines", {"order_id": str(FRESH_INTEGER_KEY + 999)})),
    BadInput("child_of_quarantined_parent", "order_lines", "order_id", "unknown_order_id",
             "line of an order that was itself quarantined (USD)",
             orphan_line_of_quarantined_order()),
    BadInput("negative_quantity", "inventory_snapshots", "units_on_hand", GE,
             "stock -10", composite_variant("inventory_snapshots", {"units_on_hand": -10},
                                            ("product_id", "snapshot_date"))),
    BadInput("impossible_date", "inventory_snapshots", "snapshot_date", "type:date",
             "snapshot on 2026-13-45",
             composite_variant("inventory_snapshots", {"snapshot_date": "2026-13-45"},
                               ("product_id", "snapshot_date"))),
    BadInput("exact_duplicate", "inventory_snapshots", "product_id,snapshot_date,updated_at",
             "duplicate_key", "the same snapshot row twice",
             exact_duplicate("inventory_snapshots", ("product_id", "snapshot_date"))),
)  # fmt: skip

STRUCTURAL_KINDS: tuple[StructuralKind, ...] = (
    StructuralKind("missing_table", "orders", None,
                   "run stops naming the table; batch failed; watermark unchanged"),
    StructuralKind("dropped_column", "order_lines", "discount",
                   "run stops naming table and column; batch failed; watermark unchanged"),
    StructuralKind("added_column", "orders", "coupon_code",
                   "ignored: the declared columns load as before, nothing quarantined"),
    StructuralKind("retyped_column_compatible", "order_lines", "quantity",
                   "INTEGER -> TEXT holding the same digits: loads the same values"),
    StructuralKind("retyped_column_incompatible", "products", "launch_date",
                   "DATE -> epoch seconds: each row quarantined as type:date"),
    StructuralKind("empty_table", "campaign_spend", None,
                   "batch completes with 0 rows; raw keeps its rows; watermark unchanged"),
)  # fmt: skip


def kind_id(bad: BadInput) -> str:
    return f"{bad.table}-{bad.kind}"


def plant_all(sources_dir: Path) -> dict[str, Planted]:
    """Plant every catalogue row into the SQLite sources in `sources_dir`; by kind id."""
    sources = Sources(sources_dir)
    try:
        planted = {}
        for index, bad in enumerate(CATALOGUE):
            planted[kind_id(bad)] = bad.plant(sources, index)
    finally:
        sources.commit_and_close()
    return planted


def rule_matches(expected: str, actual: str) -> bool:
    return actual.startswith(expected) if expected.endswith("(") else actual == expected
