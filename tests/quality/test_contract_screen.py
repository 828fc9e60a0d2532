"""The SQL screen of the contract checks, on every contracted relation of a real run.

The screen may flag a row pandera accepts, never pass one it rejects; on the demo world's
warehouse both pass every row, the screen without reading a row into pandas.
"""

from __future__ import annotations

import duckdb
import pytest

from models.registry.pandera_build import registry_table
from models.registry.sql_checks import table_holds
from orchestration.quality.contract_validation import (
    _row_rule_schema,
    read_chunks,
    relation_columns,
    screen_sql,
    validate_relation,
)
from orchestration.quality.contracts import CONTRACTS

# its publication_id is unique on its own: a rule across rows, so pandera reads the table
WITHOUT_SCREEN = {"reporting.rpt_publication"}


@pytest.fixture(scope="module")
def warehouse(published_demo):
    with duckdb.connect(str(published_demo.settings.warehouse_path), read_only=True) as connection:
        yield connection


@pytest.mark.parametrize("relation", sorted(CONTRACTS))
def test_the_screen_and_pandera_agree_on_the_demo_run(warehouse, relation) -> None:
    model = CONTRACTS[relation]
    if relation in WITHOUT_SCREEN:  # published to the store only, not the warehouse
        assert table_holds(registry_table(model)) is None
        return
    columns = relation_columns(warehouse, relation)
    assert columns, f"{relation} is missing from the demo run"
    screen = screen_sql(model, columns)
    assert screen is not None, f"{relation}: columns or types differ from its contract"

    report = validate_relation(warehouse, relation, model)
    assert report.passed, report.describe()
    assert report.rows_judged_by_pandera == 0 and report.chunks == 0
    # pandera on every row, as without the screen, says the same
    schema = _row_rule_schema(model)
    rows = 0
    for chunk in read_chunks(warehouse, relation, columns):
        schema.validate(chunk, lazy=True)
        rows += len(chunk)
    assert rows == report.rows_checked > 0
