"""The column registry: generated files are current, and a registry edit reaches every
representation (pandera, dbt YAML, GX suite, server target)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import great_expectations as gx
import pandas as pd
import pytest
import sqlalchemy as sa
import yaml

from models.registry import generate
from models.registry.dbt_yaml import GENERATED_HEADER, models_yaml
from models.registry.published import PUBLISHED_TABLES, published_table
from models.reporting import REPORTING_CONTRACTS, RptWarnings
from orchestration.publish import server_target
from orchestration.quality import expectations

REPO = Path(__file__).resolve().parents[2]


def test_generated_dbt_yaml_is_up_to_date():
    stale = generate.stale_files()
    assert stale == [], (
        f"{[str(p.relative_to(REPO)) for p in stale]} differ from the registry: "
        "run .venv/bin/python -m models.registry.generate"
    )


def test_a_hand_edit_of_a_generated_file_is_reported(tmp_path):
    reporting = tmp_path / "reporting"
    for path, text in generate.generated_files(tmp_path).items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    assert generate.stale_files(tmp_path) == []
    edited = reporting / "rpt_warnings.yml"
    edited.write_text(edited.read_text().replace("One line a manager", "A line a manager"))
    assert generate.stale_files(tmp_path) == [edited]


def test_every_generated_file_says_so_at_its_top():
    for path in generate.generated_files():
        assert path.read_text().startswith(GENERATED_HEADER), path


def test_the_yaml_holds_the_registry_columns_in_order_with_types_and_not_null():
    model = yaml.safe_load(models_yaml([published_table("rpt_warnings")]))["models"][0]
    columns = {c["name"]: c for c in model["columns"]}
    assert list(columns)[:4] == ["quarter", "week_start", "week_number", "node_id"]
    assert columns["threshold"]["data_type"] == "double"
    assert columns["threshold"]["constraints"] == [{"type": "not_null"}]
    assert "not_null" not in columns["threshold"].get("data_tests", [])  # DuckDB enforces it
    assert "constraints" not in columns["owner_rep_id"]  # nullable
    assert {"accepted_values": {"arguments": {"values": ["amber", "red"]}}} in columns["level"][
        "data_tests"
    ]
    assert model["config"] == {"contract": {"enforced": True}}
    key_test = model["data_tests"][0]["unique_combination_of_columns"]["arguments"]
    assert key_test["combination_of_columns"] == ["quarter", "week_start", "node_id", "metric"]


def test_a_description_changed_in_the_registry_reaches_yaml_gx_and_server(monkeypatch):
    table = published_table("rpt_warnings")
    changed = replace(
        table,
        columns=tuple(
            c.but(description="Who must act, in one word.") if c.name == "owner" else c
            for c in table.columns
        ),
    )
    model = yaml.safe_load(models_yaml([changed]))["models"][0]
    owner = next(c for c in model["columns"] if c["name"] == "owner")
    assert owner["description"] == "Who must act, in one word."

    gx.get_context(mode="ephemeral")  # a suite needs a context to be built in
    suite = expectations.build_suite(expectations.table_expectations(changed), ["owner"])
    notes = {
        e.column: e.notes
        for e in suite.expectations
        if e.expectation_type == "expect_column_to_exist"
    }
    assert notes["owner"] == "Who must act, in one word."

    monkeypatch.setitem(PUBLISHED_TABLES, "rpt_warnings", changed)
    server = server_target.server_table(
        sa.MetaData(), "rpt_warnings", [("owner", "VARCHAR"), ("message", "VARCHAR")]
    )
    assert server.c.owner.comment == "Who must act, in one word."
    assert server.c.message.comment == "One line a manager can act on."
    assert server.comment == table.description


def test_every_published_column_has_one_description_and_a_known_type():
    for table in PUBLISHED_TABLES.values():
        for column in table.columns:
            assert column.description.strip(), f"{table.name}.{column.name}"
            assert column.pandas_type is not None


def test_contract_errors_name_table_column_and_rule():
    frame = pd.DataFrame(
        {
            "quarter": ["2026Q3"],
            "week_start": [pd.Timestamp("2026-07-14")],  # a Tuesday
            "week_number": [3],
            "node_id": ["total"],
            "node_name": ["Quarter total"],
            "dimension": ["total"],
            "metric": ["revenue"],
            "level": ["orange"],
            "completion": [0.5],
            "threshold": [0.8],
            "consecutive_weeks": [1],
            "owner": ["Head of Sales"],
            "owner_rep_id": [None],
            "message": ["behind"],
        }
    )
    with pytest.raises(Exception) as error:
        RptWarnings.validate(frame, lazy=True)
    cases = error.value.failure_cases
    failed = set(
        zip(cases["column"].fillna("").astype(str), cases["check"].astype(str), strict=True)
    )
    assert ("level", "isin(['amber', 'red'])") in failed
    assert "week_start_is_monday" in set(cases["check"])  # the row rule, by name
    assert error.value.schema.name == "RptWarnings"
    assert REPORTING_CONTRACTS["reporting.rpt_warnings"] is RptWarnings


def test_the_key_is_enforced_in_every_representation():
    table = published_table("rpt_quarter_review")
    key = ["quarter", "section", "subject", "metric"]
    assert list(table.key) == key
    assert REPORTING_CONTRACTS["reporting.rpt_quarter_review"].to_schema().unique == key
    assert expectations.expectations_for("rpt_quarter_review").key == tuple(key)
    model = yaml.safe_load(models_yaml([table]))["models"][0]
    arguments = model["data_tests"][0]["unique_combination_of_columns"]["arguments"]
    assert arguments["combination_of_columns"] == key


def test_sources_and_raw_contracts_come_from_the_same_registry_entry():
    from models.raw import RAW_CONTRACTS
    from models.registry.sources.orders import ORDER_LINES
    from orchestration.ingest.raw_layout import raw_columns
    from orchestration.ingest.source_tables import SOURCE_TABLES_BY_NAME

    source = SOURCE_TABLES_BY_NAME["order_lines"]
    assert source.column_names == ORDER_LINES.column_names
    assert source.key_columns == ("order_line_id",)
    assert raw_columns(source)["net_amount"] == "DECIMAL(18,2)"
    assert repr(source.table.c.product_id.type) == "String(length=32)"
    schema = RAW_CONTRACTS["order_lines"].to_schema()
    assert list(schema.columns)[-len(ORDER_LINES.columns) :] == list(ORDER_LINES.column_names)
    assert schema.unique is None  # raw keeps versions: the loader quarantines duplicates
    assert [check.name for check in schema.checks] == ["net_amount_matches_line"]


def test_the_personal_data_flags_name_the_columns_the_scan_looks_for():
    from models.registry.sources import SOURCE_SYSTEMS
    from orchestration.quality.personal_data import CUSTOMER_PERSONAL_COLUMNS

    flagged = {
        (table.name, column.name)
        for tables in SOURCE_SYSTEMS.values()
        for table in tables
        for column in table.columns
        if column.personal_data
    }
    assert {c for t, c in flagged if t == "customers"} == set(CUSTOMER_PERSONAL_COLUMNS)
    assert ("reps", "email") in flagged
