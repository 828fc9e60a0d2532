"""The SQL screen of raw chunks against the pandera contract it stands in for.

The screen may send a good row to pandera, never pass a row pandera rejects. Checked on
every row of the demo sources with the reliability catalogue's bad inputs planted, and on
values chosen to sit where DuckDB's and pandas' parsing could disagree.
"""

from __future__ import annotations

import datetime as dt
import decimal
import shutil
from dataclasses import replace

import duckdb
import pandas as pd
import pytest

from models.raw import RAW_CONTRACTS
from orchestration.ingest.chunk import REGISTRY_TABLES
from orchestration.ingest.extract import open_source, read_batches
from orchestration.ingest.mapping import load_mapping
from orchestration.ingest.screen import CLEAN, ROW, land_rows, screen_sql
from orchestration.ingest.source_tables import SOURCE_TABLES
from orchestration.ingest.validate import declared_text_lengths, validate_chunk
from tests.conftest import settings_in
from tests.reliability.bad_inputs import plant_all


def screened_clean(rows: list[tuple], table: str) -> set[int]:
    """Positions of the rows the SQL screen passes."""
    landed = land_rows(rows, REGISTRY_TABLES[table])
    sql = screen_sql(REGISTRY_TABLES[table], landed, "landed", declared_text_lengths(table))
    with duckdb.connect() as connection:
        connection.register("landed", landed.arrow)
        clean = connection.execute(f"select {ROW} from ({sql}) where {CLEAN}").fetchall()
    return {row for (row,) in clean} - landed.unscreened


def pandera_accepted(rows: list[tuple], table: str) -> set[int]:
    source = next(s for s in SOURCE_TABLES if s.name == table)
    frame = pd.DataFrame(rows, columns=list(source.column_names), dtype=object)
    return set(validate_chunk(frame, RAW_CONTRACTS[table], table).accepted.index)


@pytest.fixture(scope="module")
def planted_rows(tmp_path_factory, demo_sources) -> dict[str, list[tuple]]:
    """Every row of every source table, the catalogue's bad inputs planted among them."""
    folder = tmp_path_factory.mktemp("screened") / "sources"
    shutil.copytree(demo_sources, folder)
    plant_all(folder)
    settings = replace(settings_in(folder.parent), sources_dir=folder)
    settings = replace(
        settings,
        crm_database_url=f"sqlite:///{folder / 'crm.sqlite'}",
        orders_database_url=f"sqlite:///{folder / 'orders.sqlite'}",
    )
    mapping = load_mapping(settings.source_mapping_dir)
    tables = {}
    for source in SOURCE_TABLES:
        table = mapping.table(source.name)
        url = settings.crm_database_url if source.system == "crm" else settings.orders_database_url
        with open_source(table, url) as connection:
            tables[source.name] = [
                row for rows in read_batches(connection, table, url, None, 100_000) for row in rows
            ]
    return tables


@pytest.mark.parametrize("table", [s.name for s in SOURCE_TABLES])
def test_the_screen_passes_exactly_the_rows_the_contract_accepts(planted_rows, table) -> None:
    rows = planted_rows[table]
    clean, accepted = screened_clean(rows, table), pandera_accepted(rows, table)
    assert clean <= accepted, [rows[i] for i in sorted(clean - accepted)[:5]]
    # not vacuous: on the demo's data the two agree row for row
    assert clean == accepted, [rows[i] for i in sorted(accepted - clean)[:5]]
    assert len(rows) > len(accepted) or table in ("regions", "sales_groups", "reps"), table


LINE = ("ol-1", "o-1", "p-0001", 2, 3000.0, 100.0, 5900.0, "2025-03-01 09:00:00")


def line(**changes: object) -> tuple:
    names = REGISTRY_TABLES["order_lines"].column_names
    values = dict(zip(names, LINE, strict=True)) | changes
    return tuple(values[n] for n in names)


# value -> does pandera accept the row? The screen must never pass a row it rejects.
EDGE_LINES = {
    "as given": (line(), True),
    "quantity as text": (line(quantity="twelve"), False),
    "quantity as a whole float": (line(quantity=2.0), True),
    "quantity with a fraction": (line(quantity=2.5), False),
    "quantity a bool": (line(quantity=True), None),
    "quantity beyond BIGINT": (line(quantity=2**70), False),
    "price NaN": (line(unit_price=float("nan")), False),
    "price infinite": (line(unit_price=float("inf")), False),
    "price 1e16": (line(unit_price=1e16, net_amount=1e16 * 2 - 100), False),
    "price a Decimal": (line(unit_price=decimal.Decimal("3000.00")), True),
    "price a bool": (line(discount=True), None),
    "net amount off by a cent and more": (line(net_amount=5900.02), False),
    "id as int": (line(order_line_id=17), True),
    "empty id": (line(order_line_id=""), False),
    "id as bytes": (line(order_line_id=b"\xffol-1"), False),
    "id a list (an array column)": (line(order_line_id=["ol", "1"]), None),
    "id too long": (line(order_line_id="x" * 33), False),
    "stamp unpadded": (line(updated_at="2025-3-1 09:00:00"), None),
    "stamp with T": (line(updated_at="2025-03-01T09:00:00"), True),
    "stamp with microseconds": (line(updated_at="2025-03-01 09:00:00.000000"), True),
    "stamp with a UTC offset": (line(updated_at="2025-03-01T09:00:00+08:00"), False),
    "stamp on 30 February": (line(updated_at="2025-02-30 09:00:00"), False),
    "stamp far ahead": (line(updated_at="2099-03-01 09:00:00"), False),
    "stamp before 2000": (line(updated_at="1999-12-31 23:59:59"), False),
    "stamp as datetime": (line(updated_at=dt.datetime(2025, 3, 1, 9)), True),
    # pandera converts it to UTC; the screen leaves that to pandera
    "stamp with a zone": (line(updated_at=dt.datetime(2025, 3, 1, 9, tzinfo=dt.UTC)), True),
    "stamp a number": (line(updated_at=20250301), False),
}


@pytest.mark.parametrize("case", EDGE_LINES, ids=str)
def test_edge_values_reach_pandera_unless_certainly_clean(case) -> None:
    row, expected = EDGE_LINES[case]
    rows = [line(order_line_id="ol-0"), row]  # a clean row first: chunks are mixed
    accepted = 1 in pandera_accepted(rows, "order_lines")
    if expected is not None:
        assert accepted is expected
    clean = 1 in screened_clean(rows, "order_lines")
    assert not clean or accepted
    assert 0 in screened_clean(rows, "order_lines")
    if case in ("as given", "id as int", "quantity as a whole float", "price a Decimal"):
        assert clean, "a plainly good row should not need pandera"


def test_a_typed_source_lands_without_pandera() -> None:
    """Drivers of typed databases hand over dates, datetimes and Decimals: all screened."""
    rows = [
        line(order_line_id=f"ol-{i}", unit_price=decimal.Decimal("3000.00"))[:-1]
        + (dt.datetime(2025, 3, 1, 9, i),)
        for i in range(3)
    ]
    assert screened_clean(rows, "order_lines") == {0, 1, 2} == pandera_accepted(rows, "order_lines")


def test_rows_holding_sequences_land_column_by_column() -> None:
    """Every row's id an array (a Postgres array column): the rows still land in order, the
    arrays unscreened; rows of unequal length are an error, not a shifted column."""
    rows = [line(order_line_id=["ol", str(i)], quantity=i + 1) for i in range(3)]
    landed = land_rows(rows, REGISTRY_TABLES["order_lines"])
    assert landed.unscreened == {0, 1, 2}
    assert landed.arrow.column("quantity").to_pylist() == [1, 2, 3]
    assert landed.arrow.column("order_line_id").to_pylist() == [None, None, None]
    with pytest.raises(ValueError):
        land_rows([line(), line()[:-1]], REGISTRY_TABLES["order_lines"])
