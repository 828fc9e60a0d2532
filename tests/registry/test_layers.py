"""Staging tables and marts in the registry: a staged column is its source column, a mart
column the published one, and an edit of either reaches the generated YAML and the pandera
contract."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest
import yaml

from models.marts import MART_CONTRACTS, MartContract, TargetTree
from models.registry import generate
from models.registry.dbt_yaml import models_yaml
from models.registry.marts import MART_TABLES
from models.registry.pandera_build import contract_model
from models.registry.published import published_table
from models.registry.sources import crm, orders
from models.registry.staging import STAGING_TABLES
from models.staging import STAGING_CONTRACTS, OrderLines, StagingContract

REPO = Path(__file__).resolve().parents[2]
MODELS = REPO / "dbt_project" / "models"


def _columns(text: str, model: str) -> dict[str, dict]:
    entry = next(m for m in yaml.safe_load(text)["models"] if m["name"] == model)
    return {column["name"]: column for column in entry["columns"]}


def _with_description(table, column_name: str, description: str):
    columns = tuple(
        c.but(description=description) if c.name == column_name else c for c in table.columns
    )
    return replace(table, columns=columns)


def test_the_staging_and_marts_yaml_are_generated_files():
    generated = set(generate.generated_files())
    for path in (
        MODELS / "staging" / "crm" / "_crm__models.yml",
        MODELS / "staging" / "orders" / "_orders__models.yml",
        MODELS / "marts" / "targets" / "_targets__models.yml",
        MODELS / "marts" / "actuals" / "_actuals__models.yml",
        MODELS / "marts" / "execution" / "_execution__models.yml",
    ):
        assert path in generated, path
    # the unit tests stay hand-written beside them, outside the generator
    assert not any(path.name.endswith("__unit_tests.yml") for path in generated)


def test_a_hand_edit_of_a_staging_or_mart_file_is_reported(tmp_path):
    for path, text in generate.generated_files(tmp_path).items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    staging = tmp_path / "staging" / "orders" / "_orders__models.yml"
    mart = tmp_path / "marts" / "actuals" / "_actuals__models.yml"
    staging.write_text(staging.read_text().replace("units sold", "units shipped"))
    mart.write_text(mart.read_text().replace("The metric's red line.", "Red."))
    assert sorted(generate.stale_files(tmp_path)) == sorted([staging, mart])


def test_a_staged_column_is_its_source_column():
    reps = STAGING_TABLES["stg_crm__reps"]
    assert reps.column("hire_date") == crm.REPS.column("hire_date")
    yaml_columns = _columns(models_yaml([reps]), "stg_crm__reps")
    assert yaml_columns["hire_date"]["description"] == "first working day"
    assert yaml_columns["monthly_salary"]["data_type"] == "decimal(18,2)"
    contract = STAGING_CONTRACTS["staging.stg_crm__reps"].to_schema()
    assert contract.columns["hire_date"].description == "first working day"
    # where staging is stricter than raw, only the check differs
    quantity = STAGING_TABLES["stg_orders__order_lines"].column("quantity")
    assert quantity.description == orders.ORDER_LINES.column("quantity").description
    assert (quantity.ge, orders.ORDER_LINES.column("quantity").ge) == (1, 0)


def test_a_staging_description_edit_reaches_the_yaml_and_the_contract():
    table = _with_description(
        STAGING_TABLES["stg_orders__order_lines"], "discount", "money off, never a rate"
    )
    yaml_columns = _columns(models_yaml([table]), "stg_orders__order_lines")
    assert yaml_columns["discount"]["description"] == "money off, never a rate"
    contract = contract_model(table, StagingContract).to_schema()
    assert contract.columns["discount"].description == "money off, never a rate"
    assert contract.columns["unit_price"].description == "price per unit in CNY"


def test_a_mart_column_is_the_published_column():
    mart, published = MART_TABLES["fct_target_tree"], published_table("rpt_target_tree")
    assert mart.column("target_value") == published.column("target_value")
    assert TargetTree.to_schema().columns["target_value"].description == (
        published.column("target_value").description
    )
    weekly = MART_TABLES["fct_progress_weekly"]
    assert weekly.column("week_target") == published_table("rpt_progress_weekly").column(
        "week_target"
    )


def test_a_mart_description_edit_reaches_the_yaml_and_the_contract():
    table = _with_description(MART_TABLES["fct_warnings"], "red_below", "Below it: red.")
    yaml_columns = _columns(models_yaml([table]), "fct_warnings")
    assert yaml_columns["red_below"]["description"] == "Below it: red."
    contract = contract_model(table, MartContract).to_schema()
    assert contract.columns["red_below"].description == "Below it: red."
    assert contract.columns["amber_below"].description == "The metric's warning line."


def test_the_yaml_keeps_keys_relationships_and_sum_tests():
    crm_columns = _columns(
        (MODELS / "staging" / "crm" / "_crm__models.yml").read_text(), "stg_crm__leads"
    )
    assert crm_columns["lead_id"]["data_tests"] == ["not_null", "unique"]
    assert {
        "relationships": {"arguments": {"to": "ref('stg_crm__customers')", "field": "customer_id"}}
    } in crm_columns["customer_id"]["data_tests"]
    tree = yaml.safe_load((MODELS / "marts" / "targets" / "_targets__models.yml").read_text())
    model = tree["models"][0]
    assert model["config"] == {"contract": {"enforced": True}}
    columns = {c["name"]: c for c in model["columns"]}
    assert columns["level"]["data_type"] == "integer"
    assert any("children_sum_to_parent" in t for t in columns["target_value"]["data_tests"])
    weekly = _columns(
        (MODELS / "marts" / "actuals" / "_actuals__models.yml").read_text(),
        "fct_progress_weekly",
    )
    sum_test = weekly["actual_to_date"]["data_tests"][0]["children_sum_to_parent"]
    assert sum_test["arguments"]["partition_by"] == ["quarter", "week_start", "metric"]
    assert "constraints" not in weekly["quarter"]  # no enforced contract on this mart


def test_contracts_exist_for_every_staging_view_and_fully_listed_mart():
    assert len(STAGING_CONTRACTS) == 13
    assert set(MART_CONTRACTS) == {
        "marts.fct_target_tree",
        "marts.fct_node_actuals",
        "marts.fct_progress_weekly",
        "marts.fct_warnings",
    }


def test_a_staging_row_rule_still_fails_by_name():
    frame = pd.DataFrame(
        {
            "order_line_id": ["1"],
            "order_id": ["7"],
            "product_id": ["p-0001"],
            "quantity": [0],
            "unit_price": [10.0],
            "discount": [0.0],
            "net_amount": [5.0],
            "updated_at": [pd.Timestamp("2026-07-01")],
            "loaded_at": [pd.Timestamp("2026-07-02")],
        }
    )
    with pytest.raises(Exception) as error:
        OrderLines.validate(frame, lazy=True)
    checks = set(error.value.failure_cases["check"].astype(str))
    assert {"net_amount_matches_line", "greater_than_or_equal_to(1)"} <= checks


def test_the_registry_no_longer_imports_the_thin_contract_modules():
    for path in (REPO / "models" / "registry").rglob("*.py"):
        text = path.read_text()
        assert "from models.marts" not in text and "from models.staging" not in text, path
