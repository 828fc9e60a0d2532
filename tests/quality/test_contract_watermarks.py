"""A staging contract re-reads only rows loaded since its last pass, and everything when
the contract or the model changes."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import duckdb
import pytest

from models.staging import OrderLines
from orchestration.quality.contract_watermarks import WATERMARK_TABLE, validate_since_last_pass
from orchestration.settings import Settings

RELATION = "staging.stg_orders__order_lines"
GOOD = "('{id}', '10', 'p-0001', 2, 1200.00, 100.00, 2300.00, timestamp '{loaded}')"
BAD_SUM = "('{id}', '10', 'p-0001', 2, 1200.00, 100.00, 9999.00, timestamp '{loaded}')"


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    settings = Settings().with_data_dir(tmp_path / "data")
    settings.data_dir.mkdir(parents=True)
    with duckdb.connect(str(settings.warehouse_path)) as connection:
        connection.execute("create schema staging")
        connection.execute(
            f"create table {RELATION} (order_line_id varchar, order_id varchar, "
            "product_id varchar, quantity bigint, unit_price decimal(18, 2), "
            "discount decimal(18, 2), net_amount decimal(18, 2), "
            "updated_at timestamp default timestamp '2026-07-02 10:00', loaded_at timestamp)"
        )
    add(settings, GOOD.format(id=1, loaded="2026-07-03 02:00"))
    add(settings, GOOD.format(id=2, loaded="2026-07-03 02:00"))
    return settings


def add(settings: Settings, row: str) -> None:
    with duckdb.connect(str(settings.warehouse_path)) as connection:
        connection.execute(
            f"insert into {RELATION} (order_line_id, order_id, product_id, quantity, "
            f"unit_price, discount, net_amount, loaded_at) values {row}"
        )


def check(settings: Settings):
    return validate_since_last_pass(settings, RELATION, OrderLines)


def test_only_rows_loaded_since_the_last_pass_are_read(settings):
    first = check(settings)
    assert first.passed and first.rows_checked == 2 and first.loaded_after is None

    nothing_new = check(settings)
    assert nothing_new.passed and nothing_new.rows_checked == 0
    assert str(nothing_new.loaded_after) == "2026-07-03 02:00:00"
    assert "rows loaded after 2026-07-03 02:00:00" in nothing_new.describe()

    add(settings, GOOD.format(id=3, loaded="2026-07-04 02:00"))
    next_night = check(settings)
    assert next_night.passed and next_night.rows_checked == 1


def test_a_refused_row_is_read_again_until_it_passes(settings):
    check(settings)
    add(settings, BAD_SUM.format(id=3, loaded="2026-07-04 02:00"))

    assert check(settings).rules_failed == {"net_amount_matches_line": 1}
    # nothing was recorded: the next night reads the same row again
    again = check(settings)
    assert again.rules_failed == {"net_amount_matches_line": 1}
    assert again.rows_checked == 1
    with duckdb.connect(str(settings.warehouse_path), read_only=True) as connection:
        (through,) = connection.execute(
            f"select validated_through from {WATERMARK_TABLE}"
        ).fetchall()[0]
    assert str(through) == "2026-07-03 02:00:00"


def test_a_new_row_sharing_an_old_rows_key_fails_the_key(settings):
    check(settings)
    add(settings, GOOD.format(id=1, loaded="2026-07-04 02:00"))  # line 1 again

    report = check(settings)

    assert report.rows_checked == 1
    assert report.rules_failed == {"unique(order_line_id)": 2}


def test_the_key_is_counted_over_every_row_of_the_keys_loaded_since(settings):
    # line 2 twice before the first pass: the first check reads every row
    add(settings, GOOD.format(id=2, loaded="2026-07-03 02:00"))
    assert check(settings).rules_failed == {"unique(order_line_id)": 2}
    with duckdb.connect(str(settings.warehouse_path)) as connection:
        connection.execute(f"delete from {RELATION} where order_line_id = '2'")
    add(settings, GOOD.format(id=2, loaded="2026-07-03 02:00"))
    assert check(settings).passed  # recorded through 2026-07-03 02:00

    # three new rows, two of them one key, and an old row written again under its old load
    add(settings, GOOD.format(id=4, loaded="2026-07-04 02:00"))
    add(settings, GOOD.format(id=4, loaded="2026-07-04 03:00"))
    add(settings, GOOD.format(id=5, loaded="2026-07-04 02:00"))
    add(settings, GOOD.format(id=1, loaded="2026-07-03 02:00"))
    report = check(settings)

    # only keys the new rows hold are grouped: line 4's two copies, not line 1's (its rows
    # were loaded before the last pass, which found every key unique)
    assert report.rows_checked == 3
    assert report.rules_failed == {"unique(order_line_id)": 2}
    assert report.failures[0].sample["order_line_id"].tolist() == ["4"]


def test_a_changed_model_reads_every_row_again(settings, tmp_path):
    check(settings)
    # an old row changes without a new load: what a changed cast in the model would do
    with duckdb.connect(str(settings.warehouse_path)) as connection:
        connection.execute(f"update {RELATION} set net_amount = 9999 where order_line_id = '2'")
    assert check(settings).passed  # not re-read: loaded before the last pass

    project = tmp_path / "dbt_project"
    model = project / "models" / "staging" / "orders" / "stg_orders__order_lines.sql"
    model.parent.mkdir(parents=True)
    model.write_text("-- the same model with a changed cast\n")
    changed = check(replace(settings, dbt_project_dir=project))

    assert changed.loaded_after is None
    assert changed.rows_checked == 2
    assert changed.rules_failed == {"net_amount_matches_line": 1}
