"""The raw contracts and chunk validation, without any database."""

from __future__ import annotations

import pandas as pd
import pytest

from models.raw import RAW_CONTRACTS, OrderLines, Orders
from orchestration.ingest.raw_layout import raw_columns
from orchestration.ingest.source_tables import SOURCE_TABLES, SOURCE_TABLES_BY_NAME
from orchestration.ingest.validate import (
    ContractStructureError,
    contract_types,
    parse_column,
    validate_chunk,
)

# DuckDB raw type -> pandera dtype the contract must declare for it.
EXPECTED_DTYPE = {
    "VARCHAR": "str",
    "BIGINT": "Int64",
    "DECIMAL(18,2)": "float64",
    "DATE": "date",
    "TIMESTAMP": "datetime64[ns]",
}


def line(**changes: object) -> dict[str, object]:
    row: dict[str, object] = {
        "order_line_id": 1,
        "order_id": 1,
        "product_id": "p-0001",
        "quantity": 2,
        "unit_price": 3000.0,
        "discount": 100.0,
        "net_amount": 5900.0,
        "updated_at": "2025-03-01 09:00:00",
    }
    row.update(changes)
    return row


def chunk(*rows: dict[str, object]) -> pd.DataFrame:
    return pd.DataFrame(list(rows), dtype=object)


def rejections_of(frame: pd.DataFrame, contract=OrderLines, table="order_lines") -> set[tuple]:
    verdict = validate_chunk(frame, contract, table)
    return {
        (int(r.row), r.rule, r.column_name, r.bad_value)
        for r in verdict.rejections.itertuples(index=False)
    }


@pytest.mark.parametrize("source", SOURCE_TABLES, ids=lambda s: s.name)
def test_every_contract_matches_the_raw_layout(source) -> None:
    contract = RAW_CONTRACTS[source.name]
    schema = contract.to_schema()
    assert schema.strict is True and schema.coerce is True
    declared = contract_types(contract)
    layout = {n: t for n, t in raw_columns(source).items() if not n.startswith("_")}
    assert declared == {n: EXPECTED_DTYPE[t] for n, t in layout.items()}
    for name, column in schema.columns.items():
        assert column.description, f"{source.name}.{name} has no description"
    for key in source.key_columns:
        assert schema.columns[key].nullable is False


def test_a_clean_chunk_passes_typed() -> None:
    verdict = validate_chunk(chunk(line(), line(order_line_id=2)), OrderLines, "order_lines")
    assert verdict.rejections.empty
    assert list(verdict.accepted["order_line_id"]) == ["1", "2"]
    assert str(verdict.accepted["quantity"].dtype) == "Int64"
    assert verdict.accepted["updated_at"].iloc[0] == pd.Timestamp("2025-03-01 09:00:00")


def test_each_dirty_kind_is_named_by_row_rule_column_and_value() -> None:
    frame = chunk(
        line(),  # row 0: clean
        line(order_line_id=None),  # 1: null key
        line(quantity=-1, unit_price=0.0, discount=0.0, net_amount=0.0),  # 2: negative
        line(quantity="twelve"),  # 3: text in an integer column
        line(unit_price="n/a"),  # 4: text in a money column
        line(updated_at="2025-02-30 10:00:00"),  # 5: impossible timestamp
        line(net_amount=1.0),  # 6: amount contradicts quantity * price - discount
        line(product_id=""),  # 7: empty id
    )
    assert rejections_of(frame) == {
        (1, "not_null", "order_line_id", None),
        (2, "greater_than_or_equal_to(0)", "quantity", "-1"),
        (3, "type:integer", "quantity", "twelve"),
        (4, "type:decimal", "unit_price", "n/a"),
        (5, "type:timestamp", "updated_at", "2025-02-30 10:00:00"),
        (
            6,
            "net_amount_matches_line",
            "net_amount",
            "quantity=2, unit_price=3000.0, discount=100.0, net_amount=1.0",
        ),
        (7, "str_length(1, None)", "product_id", ""),
    }


def test_dates_enums_and_horizon_on_orders() -> None:
    order = {
        "order_id": 1,
        "customer_id": "c-1",
        "rep_id": "rep-001",
        "order_date": "2025-02-10",
        "status": "completed",
        "currency": "CNY",
        "updated_at": "2025-03-01 09:00:00",
    }
    frame = chunk(
        order,
        {**order, "order_id": 2, "order_date": "2025-02-30"},
        {**order, "order_id": 3, "status": "shipped"},
        {**order, "order_id": 4, "currency": "USD"},
        {**order, "order_id": 5, "order_date": "2099-01-01"},
        {**order, "order_id": 6, "order_date": "1999-12-31"},
        {**order, "order_id": 7, "order_date": 20250210},
    )
    found = rejections_of(frame, Orders, "orders")
    assert found == {
        (1, "type:date", "order_date", "2025-02-30"),
        (2, "isin(['completed', 'cancelled', 'refunded'])", "status", "shipped"),
        (3, "isin(['CNY'])", "currency", "USD"),
        (4, "not_after_one_year_from_today", "order_date", "2099-01-01"),
        (5, "greater_than_or_equal_to(2000-01-01)", "order_date", "1999-12-31"),
        (6, "type:date", "order_date", "20250210"),
    }


def test_integer_parsing_rejects_fractions_and_accepts_numeric_text() -> None:
    parsed = parse_column(pd.Series([3, "4", 2.5, "x", None, 7.0], dtype=object), "integer")
    assert parsed.tolist()[:2] == [3, 4]
    assert parsed.isna().tolist() == [False, False, True, True, True, False]
    assert parsed.iloc[5] == 7


def test_a_missing_column_is_a_structural_error_naming_the_table() -> None:
    frame = chunk(line()).drop(columns=["discount"])
    with pytest.raises(ContractStructureError, match="order_lines.*discount"):
        validate_chunk(frame, OrderLines, "order_lines")


def test_contracts_cover_every_source_table() -> None:
    assert set(RAW_CONTRACTS) == set(SOURCE_TABLES_BY_NAME)
