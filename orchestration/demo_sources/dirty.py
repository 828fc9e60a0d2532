"""Dirty rows, added on top of the clean world so ingestion has something to quarantine.

Each dirty row is a copy of a real row, changed to break one rule (a date moved to
2099 may upset a date-order rule too). Apart from
`duplicate_key` (an exact copy: same key, same updated_at) every dirty row gets a null
key or a fresh key from a range the clean world never uses, so dropping the dirty rows
gives back exactly the world generated with `dirty_share=0`.

Kinds and where they occur:
  null_key            orders, order_lines, customers, leads   (key column is NULL)
  negative_quantity   order_lines                             (quantity < 0)
  unknown_product_id  order_lines                             (product not in products)
  duplicate_key       orders, order_lines, customers, products, leads
  impossible_date     orders.order_date, customers.created_at, products.launch_date,
                      leads.created_at ('2025-02-30', or a date in 2099)
  text_in_numeric     order_lines.quantity ('twelve') or unit_price ('n/a'),
                      products.list_price ('n/a')

A typed database (anything but SQLite) cannot store '2025-02-30' or 'n/a' in its date
and numeric columns: there `impossible_date` always uses the year 2099 and
`text_in_numeric` is skipped.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

DIRTY_KINDS = (
    "null_key", "negative_quantity", "unknown_product_id", "duplicate_key", "impossible_date",
    "text_in_numeric",
)  # fmt: skip
TYPED_DATABASE_SKIPS = ("text_in_numeric",)

# Table -> dirty kind -> the column(s) it breaks.
DIRTY_COLUMNS: dict[str, dict[str, tuple[str, ...]]] = {
    "orders": {
        "null_key": ("order_id",),
        "duplicate_key": ("order_id",),
        "impossible_date": ("order_date",),
    },
    "order_lines": {
        "null_key": ("order_line_id",),
        "negative_quantity": ("quantity",),
        "unknown_product_id": ("product_id",),
        "duplicate_key": ("order_line_id",),
        "text_in_numeric": ("quantity", "unit_price"),
    },
    "customers": {
        "null_key": ("customer_id",),
        "duplicate_key": ("customer_id",),
        "impossible_date": ("created_at",),
    },
    "products": {
        "duplicate_key": ("product_id",),
        "text_in_numeric": ("list_price",),
        "impossible_date": ("launch_date",),
    },
    "leads": {
        "null_key": ("lead_id",),
        "duplicate_key": ("lead_id",),
        "impossible_date": ("created_at",),
    },
}
KEY_COLUMNS = {
    "orders": "order_id",
    "order_lines": "order_line_id",
    "customers": "customer_id",
    "products": "product_id",
    "leads": "lead_id",
}
# Fresh keys live in ranges the clean world never reaches.
FRESH_INTEGER_KEY_BASE = 900_000_000
FRESH_TEXT_KEY = {"customers": "c-9{:06d}", "products": "p-9{:03d}"}
UNKNOWN_PRODUCT = "p-8{:03d}"
TEXT_FOR_NUMBER = {"quantity": "twelve", "unit_price": "n/a", "list_price": "n/a"}


@dataclass(frozen=True)
class DirtyRow:
    """One dirty row written to a source table, and the rule it breaks."""

    table: str
    kind: str
    key: str | None  # the row's business key as text, None for a null key
    column: str
    bad_value: str | None


def _python(value: object) -> object:
    return value.item() if isinstance(value, np.generic) else value


class DirtyRowMaker:
    """Adds about `share` of a table's rows as dirty copies; deterministic per rng."""

    def __init__(self, share: float, typed_database: bool) -> None:
        self.share = share
        self.typed_database = typed_database
        self.fresh_keys = dict.fromkeys(KEY_COLUMNS, 0)
        self.unknown_products = 0

    def kinds_for(self, table: str) -> tuple[str, ...]:
        kinds = DIRTY_COLUMNS.get(table, {})
        skipped = TYPED_DATABASE_SKIPS if self.typed_database else ()
        return tuple(k for k in kinds if k not in skipped)

    def spoil(
        self,
        table: str,
        columns: Mapping[str, Sequence],
        rng: np.random.Generator,
        at_least_one_each: bool = False,
    ) -> tuple[list[tuple], list[DirtyRow]]:
        """Dirty copies of random rows of a batch, as tuples in the batch's column order."""
        kinds = self.kinds_for(table)
        size = len(next(iter(columns.values()))) if columns else 0
        if self.share <= 0 or not kinds or size == 0:
            return [], []
        total = int(np.floor(size * self.share + rng.random()))
        counts = np.bincount(rng.integers(0, len(kinds), total), minlength=len(kinds))
        if at_least_one_each:
            counts = np.maximum(counts, 1)
        names = list(columns)
        rows: list[tuple] = []
        records: list[DirtyRow] = []
        for kind, count in zip(kinds, counts.tolist(), strict=True):
            for source in rng.integers(0, size, count).tolist():
                values = {name: _python(columns[name][source]) for name in names}
                record = self._break(table, kind, values, rng)
                rows.append(tuple(values[name] for name in names))
                records.append(record)
        return rows, records

    def _fresh_key(self, table: str) -> object:
        self.fresh_keys[table] += 1
        number = self.fresh_keys[table]
        if table in FRESH_TEXT_KEY:
            return FRESH_TEXT_KEY[table].format(number)
        return FRESH_INTEGER_KEY_BASE + number

    def _break(
        self,
        table: str,
        kind: str,
        values: dict[str, object],
        rng: np.random.Generator,
    ) -> DirtyRow:
        """Turn a copied row into a dirty row of `kind`, in place; describe what broke."""
        key_column = KEY_COLUMNS[table]
        options = DIRTY_COLUMNS[table][kind]
        column = options[int(rng.integers(0, len(options)))]
        if kind == "duplicate_key":
            return DirtyRow(table, kind, str(values[key_column]), column, str(values[column]))
        if kind == "null_key":
            values[key_column] = None
            return DirtyRow(table, kind, None, column, None)
        fresh_key = self._fresh_key(table)
        values[key_column] = fresh_key
        if kind == "negative_quantity":
            quantity = -abs(int(values["quantity"]))
            values["quantity"] = quantity
            net = quantity * float(values["unit_price"]) - float(values["discount"])
            values["net_amount"] = round(net, 2)
        elif kind == "unknown_product_id":
            self.unknown_products += 1
            values["product_id"] = UNKNOWN_PRODUCT.format(self.unknown_products)
        elif kind == "impossible_date":
            values[column] = self._impossible_date(str(values[column]), rng)
        elif kind == "text_in_numeric":
            values[column] = TEXT_FOR_NUMBER[column]
        return DirtyRow(table, kind, str(fresh_key), column, str(values[column]))

    def _impossible_date(self, text: str, rng: np.random.Generator) -> str:
        """'2025-02-30' (a day that does not exist) or the same day in 2099."""
        year, rest = text[:4], text[4:]
        if self.typed_database or rng.random() < 0.5:
            return "2099" + rest.replace("-02-29", "-02-28", 1)  # 2099 is no leap year
        return f"{year}-02-30{rest[6:]}"
